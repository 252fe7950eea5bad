//! Serves the router over HTTP/1.1 with hyper, bounding what a slow or unfinished
//! client may hold: its request head must arrive within the request timeout, its body
//! may not pause for longer, and (see `http::deadline`) a request but a model upload
//! must be answered within six times that. axum's own `serve` sets none of these.

use crate::realtime::lean::LeanListener;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Hands every connection from `listener` to hyper until `stopping`, then lets each
/// finish what it is answering and returns once all have closed.
pub async fn serve(
    mut listener: LeanListener,
    router: Router,
    stopping: CancellationToken,
    timeout: Duration,
) {
    // Every connection task holds a receiver; all dropped means all closed.
    let (all_closed, open) = watch::channel(());
    loop {
        let (stream, address) = tokio::select! {
            next = listener.accept() => match next {
                Some(next) => next,
                None => break,
            },
            _ = stopping.cancelled() => break,
        };
        let (router, stopping, open) = (router.clone(), stopping.clone(), open.clone());
        tokio::spawn(async move {
            connection(stream, address, router, stopping, timeout).await;
            drop(open);
        });
    }
    drop(open);
    all_closed.closed().await;
}

async fn connection(
    stream: tokio::net::TcpStream,
    address: SocketAddr,
    router: Router,
    stopping: CancellationToken,
    timeout: Duration,
) {
    let service = tower::ServiceBuilder::new()
        .layer(RequestBodyTimeoutLayer::new(timeout))
        .service(router)
        .map_request(move |mut request: axum::extract::Request<_>| {
            // What `into_make_service_with_connect_info` would give the handlers.
            request.extensions_mut().insert(ConnectInfo(address));
            request
        });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeout);
    let connection = builder
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stopping.cancelled() => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}
