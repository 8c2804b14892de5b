//! JSON-RPC framing over stdio (`Content-Length` headers), robust to what a broken client
//! sends: a frame that is not JSON, or JSON that is not a message, gets the JSON-RPC error
//! response (`-32700` parse error, `-32600` invalid request) and the server reads on. Only
//! the end of input, or a header that can never be resynchronised, ends the reader.
//!
//! Messages are `lsp_server::Message`s; lsp-server's own reader ends the connection at the
//! first malformed frame, so reading is done here and writing uses its serializer.

use std::io::{BufRead, Read, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::json;

/// The largest frame read: a document of the largest file cosmolint reads (64 MiB by
/// default), escaped, with room to spare. A larger `Content-Length` is refused unread.
const MAX_FRAME: usize = 256 << 20;

/// What the reader hands the server.
pub enum Incoming {
    Message(Message),
    /// A frame that could not be read as a message, and the error response it deserves.
    Invalid(serde_json::Value),
}

/// What the writer sends: a message, or a raw JSON-RPC value (error responses whose `id`
/// is `null`, which `lsp_server::Response` cannot express).
pub enum Outgoing {
    Message(Message),
    Raw(serde_json::Value),
}

impl From<Message> for Outgoing {
    fn from(m: Message) -> Outgoing {
        Outgoing::Message(m)
    }
}

fn error_response(code: ErrorCode, message: String) -> serde_json::Value {
    json!({ "jsonrpc": "2.0", "id": null, "error": { "code": code as i32, "message": message } })
}

/// Reads frames from `input` until it ends.
pub fn read_loop(input: impl Read, to_server: Sender<Incoming>) {
    let mut input = std::io::BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers, up to the empty line.
        let mut length: Option<usize> = None;
        let mut bad_header = None;
        let mut headers = 0;
        loop {
            line.clear();
            // Header lines are short; a client that sends megabytes without a line end is
            // broken, and the line is cut rather than held in memory.
            match (&mut input).take(8192).read_until(b'\n', &mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(_) => return,
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if headers > 0 {
                    break;
                }
                // Blank lines between frames are skipped.
                continue;
            }
            headers += 1;
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    match value.trim().parse::<usize>() {
                        Ok(n) => length = Some(n),
                        Err(_) => bad_header = Some(format!("invalid Content-Length `{}`", value.trim())),
                    }
                }
                Some(_) => {}
                None => bad_header = Some("malformed header line".to_string()),
            }
        }
        let Some(length) = length else {
            let why = bad_header.unwrap_or_else(|| "no Content-Length header".into());
            if to_server
                .send(Incoming::Invalid(error_response(ErrorCode::ParseError, why)))
                .is_err()
            {
                return;
            }
            continue;
        };
        if length > MAX_FRAME {
            // Skip the body without holding it.
            let skipped = std::io::copy(&mut (&mut input).take(length as u64), &mut std::io::sink());
            let why = format!("message of {length} bytes is over the limit of {MAX_FRAME} bytes");
            if skipped.is_err()
                || to_server
                    .send(Incoming::Invalid(error_response(ErrorCode::InvalidRequest, why)))
                    .is_err()
            {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        let incoming = match serde_json::from_slice::<serde_json::Value>(&body) {
            Err(e) => Incoming::Invalid(error_response(ErrorCode::ParseError, format!("invalid JSON: {e}"))),
            Ok(value) => match serde_json::from_value::<Message>(value) {
                Ok(m) => Incoming::Message(m),
                Err(e) => Incoming::Invalid(error_response(
                    ErrorCode::InvalidRequest,
                    format!("not a JSON-RPC request, response or notification: {e}"),
                )),
            },
        };
        if to_server.send(incoming).is_err() {
            return;
        }
    }
}

/// Writes frames to `output` until every sender is gone. Nothing else writes to stdout.
pub fn write_loop(output: impl Write, from_server: Receiver<Outgoing>) {
    let mut output = std::io::BufWriter::new(output);
    for out in from_server {
        let written = match out {
            Outgoing::Message(m) => m.write(&mut output),
            Outgoing::Raw(v) => {
                let text = v.to_string();
                write!(output, "Content-Length: {}\r\n\r\n{text}", text.len()).and_then(|()| output.flush())
            }
        };
        if written.is_err() {
            return;
        }
    }
}
