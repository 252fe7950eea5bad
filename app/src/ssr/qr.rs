//! QR codes as SVG, drawn by the `qrcode` crate on the server (no network, no script).

use crate::error::AppError;

/// `text` as an SVG QR code, at least `size` pixels wide, with its quiet zone.
pub fn svg(text: &str, size: u32) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "QR encoding failed");
        AppError::Internal
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build())
}
