//! The frames between a worker and its persistent converter (`pool.rs` and `serve.rs`): a job
//! goes down the converter's stdin as a [`Request`] and the PDF's bytes; the answer comes back on
//! its stdout as a [`Reply`] and the Markdown's bytes. Each frame is a little-endian `u32` length,
//! that many bytes of JSON, a little-endian `u64` length and that many bytes of body. Sizes are
//! checked against caps before anything is allocated, so a converter taken over by a hostile PDF
//! can make its worker allocate no more than `convert.max_memory`.
//!
//! Anything else the converter prints goes to its stderr (copied into the job's `run.log`); after
//! each job it writes [`DONE`] and the job's sequence number there, so the worker knows when every
//! line of that job has reached its log.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{ConvertConfig, OcrConfig};
use crate::worker::child::ChildReport;

/// How the converter's end-of-job line on stderr starts (then the sequence number).
pub const DONE: &str = "\u{1}mdspool-converter: done ";

/// Largest JSON part of a frame.
const MAX_HEAD: u32 = 1 << 20;

/// One job for the persistent converter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Counts the jobs a worker sent (it matches the [`Reply`] and the `DONE` line).
    pub seq: u64,
    /// The attempt number of the job (1 for the first run).
    pub attempt: u32,
    /// The input's path: named in messages, never opened.
    pub path: PathBuf,
    /// The settings of this attempt (after any SIGHUP).
    pub convert: ConvertConfig,
    pub ocr: OcrConfig,
}

/// What the converter answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub seq: u64,
    pub report: ChildReport,
    /// The document needs what this process may not do (OCR runs programs on files): the worker
    /// runs the attempt in a one-attempt child instead. `report` says nothing then.
    pub needs_files: bool,
}

/// Writes one frame.
pub fn write_frame(w: &mut impl Write, head: &impl Serialize, body: &[u8]) -> std::io::Result<()> {
    let head = serde_json::to_vec(head).map_err(std::io::Error::other)?;
    let mut buf = Vec::with_capacity(12 + head.len() + body.len());
    buf.extend_from_slice(&(head.len() as u32).to_le_bytes());
    buf.extend_from_slice(&head);
    buf.extend_from_slice(&(body.len() as u64).to_le_bytes());
    buf.extend_from_slice(body);
    w.write_all(&buf)?;
    w.flush()
}

/// Reads one frame whose body is at most `max_body` bytes; `Ok(None)` at a clean end of stream.
pub fn read_frame<T: for<'de> Deserialize<'de>>(
    r: &mut impl Read,
    max_body: u64,
) -> std::io::Result<Option<(T, Vec<u8>)>> {
    let mut n4 = [0u8; 4];
    match r.read_exact(&mut n4) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        r => r?,
    }
    let n = u32::from_le_bytes(n4);
    if n > MAX_HEAD {
        return Err(std::io::Error::other(format!("frame head of {n} bytes")));
    }
    let mut head = vec![0u8; n as usize];
    r.read_exact(&mut head)?;
    let head: T = serde_json::from_slice(&head).map_err(std::io::Error::other)?;
    let mut n8 = [0u8; 8];
    r.read_exact(&mut n8)?;
    let n = u64::from_le_bytes(n8);
    if n > max_body {
        return Err(std::io::Error::other(format!(
            "frame body of {n} bytes (at most {max_body})"
        )));
    }
    let mut body = vec![0u8; n as usize];
    r.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_caps_hold() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &serde_json::json!({"a": 1}), b"body").unwrap();
        write_frame(&mut buf, &serde_json::json!({"a": 2}), &[7u8; 100]).unwrap();
        let mut r = &buf[..];
        let (h, b): (serde_json::Value, _) = read_frame(&mut r, 1000).unwrap().unwrap();
        assert_eq!((h["a"].as_u64(), b.as_slice()), (Some(1), &b"body"[..]));
        assert!(read_frame::<serde_json::Value>(&mut r, 99).is_err());
        let mut r = &buf[..0];
        assert!(
            read_frame::<serde_json::Value>(&mut r, 99)
                .unwrap()
                .is_none()
        );
    }
}
