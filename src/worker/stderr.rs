//! The persistent converter's stderr, split job by job (`pool.rs`): each line goes to the `run.log`
//! of the job it was printed for, and into that job's tail (what `classify.rs` reads when the
//! process ended during the job). The converter ends each job with a `DONE` line (`wire.rs`),
//! which is reported instead of copied, so the worker knows the job's lines are all in its log.

use std::io::Read;
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;

use crate::worker::runlog::RunLog;
use crate::worker::supervise::TAIL;
use crate::worker::wire::DONE;

/// Where the converter's stderr goes: the running job's log, and that job's tail (to classify
/// its end).
#[derive(Default)]
pub(crate) struct ErrSink {
    log: Mutex<Option<Arc<Mutex<RunLog>>>>,
    tail: Mutex<Vec<u8>>,
}

impl ErrSink {
    pub(crate) fn write(&self, bytes: &[u8]) {
        if let Some(l) = &*self.log.lock().unwrap_or_else(|e| e.into_inner()) {
            l.lock().unwrap_or_else(|e| e.into_inner()).write(bytes);
        }
        let mut tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.extend_from_slice(bytes);
        if tail.len() > TAIL {
            let cut = tail.len() - TAIL;
            tail.drain(..cut);
        }
    }

    /// Lines from now on belong to the job logging to `log`.
    pub(crate) fn attach(&self, log: Arc<Mutex<RunLog>>) {
        *self.log.lock().unwrap_or_else(|e| e.into_inner()) = Some(log);
        self.tail.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Ends the job's part: its tail.
    pub(crate) fn detach(&self) -> String {
        *self.log.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let tail = std::mem::take(&mut *self.tail.lock().unwrap_or_else(|e| e.into_inner()));
        String::from_utf8_lossy(&tail).into_owned()
    }
}

/// Copies the converter's stderr into the running job's log, line by line, and reports each
/// `DONE` line's sequence number instead of copying it.
pub(crate) fn drain_stderr(mut r: impl Read, sink: &ErrSink, marks: Sender<u64>) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16384];
    while let Ok(n) = r.read(&mut buf) {
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        let mut start = 0;
        while let Some(i) = pending[start..].iter().position(|&b| b == b'\n') {
            let line = &pending[start..start + i + 1];
            match line.strip_prefix(DONE.as_bytes()) {
                Some(seq) => {
                    let seq = String::from_utf8_lossy(seq).trim().parse().unwrap_or(0);
                    let _ = marks.send(seq);
                }
                None => sink.write(line),
            }
            start += i + 1;
        }
        pending.drain(..start);
        // A long line without an end (a flood of bytes) goes on as it is.
        if pending.len() > 65536 {
            sink.write(&pending);
            pending.clear();
        }
    }
    sink.write(&pending);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines go to the attached job's log and tail, `DONE` lines become marks, however the bytes
    /// arrive (here: three bytes at a time).
    #[test]
    fn lines_reach_their_job_and_done_lines_are_marks() {
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(3).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let log = Arc::new(Mutex::new(
            RunLog::open(&dir.path().join("run.log"), 1 << 20).unwrap(),
        ));
        let sink = ErrSink::default();
        sink.attach(log.clone());
        let text = format!("one\n{DONE}7\ntwo without end");
        let (tx, rx) = crossbeam_channel::unbounded();
        drain_stderr(Slow(text.as_bytes()), &sink, tx);
        assert_eq!(rx.try_iter().collect::<Vec<u64>>(), vec![7]);
        let tail = sink.detach();
        assert_eq!(tail, "one\ntwo without end");
        log.lock().unwrap().sync();
        let written = std::fs::read_to_string(dir.path().join("run.log")).unwrap();
        assert!(
            written.contains("one\ntwo without end") && !written.contains("done"),
            "{written}"
        );
    }
}
