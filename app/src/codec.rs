//! JSON for server functions' answers, read as text on the browser. serde_json reads
//! text and bytes with separate code for every type; resources hydrate and live
//! messages arrive as text, so answers read as bytes (server_fn's `Json`) would put a
//! second reader of each type into the wasm. The bytes on the wire are the same.

use serde::{de::DeserializeOwned, Serialize};
use server_fn::codec::{Encoding, Post};
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

pub struct JsonTextEncoding;

/// A server function's `output`: JSON, read as text.
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

// `Encoding` is implemented by `Post` for any content type.
const _: fn() = || {
    fn is_encoding<E: Encoding>() {}
    is_encoding::<JsonText>();
};
