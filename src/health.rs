//! Liveness of the daemon's named threads. Each thread that loops (`dispatcher`, `worker-N`,
//! `watcher`, `rescanner`, `sweeper`, `metrics`) holds a [`Beat`] and calls [`Beat::beat`] at least
//! once a second while it is well, also while it waits; the supervisor asks [`Health::stuck`] which
//! ones have been silent for longer than `metrics.stuck_after`. Only while none is stuck does it
//! ping systemd's watchdog (`daemon::notify`), so a thread caught in an endless loop or a hung
//! system call gets the daemon restarted instead of silently stopping its work.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Inner {
    name: String,
    /// Milliseconds since [`Health`]'s start at the last beat.
    last: AtomicU64,
    /// The thread returned: it is no longer expected to beat.
    done: AtomicBool,
    start: Instant,
}

/// One thread's heartbeat. Cheap to clone and to call.
#[derive(Debug, Clone)]
pub struct Beat(Arc<Inner>);

impl Beat {
    /// Says "still alive and making progress".
    pub fn beat(&self) {
        let ms = self.0.start.elapsed().as_millis() as u64;
        self.0.last.store(ms, Ordering::Relaxed);
    }

    /// The thread is over (a returned thread is never stuck).
    pub fn done(&self) {
        self.0.done.store(true, Ordering::Relaxed);
    }

    /// A beat that nobody watches (code run outside the daemon: commands, tests, benchmarks).
    pub fn unwatched() -> Beat {
        Health::default().register("unwatched")
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// Time since the last beat.
    fn quiet(&self) -> Duration {
        let now = self.0.start.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.0.last.load(Ordering::Relaxed)))
    }
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Beat>> = const { std::cell::RefCell::new(None) };
}

/// Makes `beat` the one [`tick`] beats on this thread (the daemon sets it for each named thread).
pub fn set_current(beat: &Beat) {
    CURRENT.with(|c| *c.borrow_mut() = Some(beat.clone()));
}

/// Beats the current thread's beat, if it has one: for long loops deep in code that knows nothing
/// of threads (reading every manifest of a large store, listing a large inbox), which are slow,
/// not stuck.
pub fn tick() {
    CURRENT.with(|c| {
        if let Some(b) = &*c.borrow() {
            b.beat();
        }
    });
}

/// The registry of beats the supervisor watches.
#[derive(Debug)]
pub struct Health {
    start: Instant,
    beats: Mutex<Vec<Beat>>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            start: Instant::now(),
            beats: Mutex::new(Vec::new()),
        }
    }
}

impl Health {
    /// A new beat for thread `name`, counted as having just beaten.
    pub fn register(&self, name: &str) -> Beat {
        let b = Beat(Arc::new(Inner {
            name: name.to_string(),
            last: AtomicU64::new(0),
            done: AtomicBool::new(false),
            start: self.start,
        }));
        b.beat();
        self.beats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(b.clone());
        b
    }

    /// The running threads silent for longer than `limit`, with how long, longest first.
    pub fn stuck(&self, limit: Duration) -> Vec<(String, Duration)> {
        let beats = self.beats.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<(String, Duration)> = beats
            .iter()
            .filter(|b| !b.0.done.load(Ordering::Relaxed))
            .map(|b| (b.0.name.clone(), b.quiet()))
            .filter(|(_, q)| *q > limit)
            .collect();
        out.sort_by_key(|(_, quiet)| std::cmp::Reverse(*quiet));
        out
    }
}

/// Waits `d` in slices of at most a second, beating `beat` after each; `false` when `stop` fired
/// (a message or a disconnect).
pub fn wait(stop: &crossbeam_channel::Receiver<()>, d: Duration, beat: &Beat) -> bool {
    let end = Instant::now() + d;
    loop {
        beat.beat();
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        match stop.recv_timeout(left.min(Duration::from_secs(1))) {
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_thread_is_stuck_until_it_beats_or_ends() {
        let h = Health::default();
        let a = h.register("a");
        let b = h.register("b");
        std::thread::sleep(Duration::from_millis(60));
        a.beat();
        let stuck = h.stuck(Duration::from_millis(30));
        assert_eq!(stuck.len(), 1);
        assert_eq!(stuck[0].0, "b");
        b.done();
        assert!(h.stuck(Duration::from_millis(30)).is_empty());
    }
}
