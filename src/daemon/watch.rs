//! The supervisor's periodic duties besides events: rewrite `state/daemon.json` every
//! `metrics.interval`, update `STATUS=` when the figures change, find the threads silent for longer
//! than `metrics.stuck_after`, and send systemd's `WATCHDOG=1` only while there is none.

use std::time::{Duration, Instant};

use super::Daemon;
use crate::config::Loaded;

/// The supervisor's periodic duties: the heartbeat file, `STATUS=`, and the watchdog, pinged only
/// while no thread is stuck.
pub(super) struct Watch {
    every: Duration,
    next_beat: Instant,
    ping_every: Option<Duration>,
    next_ping: Instant,
    stuck_after: Duration,
    stuck: Vec<String>,
    status: String,
}

impl Watch {
    pub(super) fn new(loaded: &Loaded, d: &Daemon) -> Watch {
        let now = Instant::now();
        let n = &d.notifier;
        Watch {
            every: loaded.config.metrics.interval.0,
            next_beat: now + loaded.config.metrics.interval.0,
            ping_every: n.watchdog_every(),
            next_ping: now,
            stuck_after: loaded.config.metrics.stuck_after.0,
            stuck: Vec::new(),
            // Sent with READY=1.
            status: d.live.status_line(),
        }
    }

    /// How long the supervisor may wait for an event before its next duty.
    pub(super) fn tick(&self) -> Duration {
        let now = Instant::now();
        let mut t = self.next_beat.saturating_duration_since(now);
        if self.ping_every.is_some() {
            t = t.min(self.next_ping.saturating_duration_since(now));
        }
        t.clamp(Duration::from_millis(10), Duration::from_secs(1))
    }

    pub(super) fn run(&mut self, d: &Daemon) {
        let now = Instant::now();
        let stuck = d.health.stuck(self.stuck_after);
        let mut names: Vec<String> = stuck.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        if names != self.stuck {
            for (name, quiet) in &stuck {
                if !self.stuck.contains(name) {
                    tracing::error!(thread = %name, silent = ?quiet, "thread stuck: the systemd watchdog is no longer pinged");
                }
            }
            if names.is_empty() {
                tracing::info!("every thread is healthy again");
            }
            self.stuck = names.clone();
            d.live.set_stuck(names);
            self.next_beat = now; // say it at once
        }
        if let Some(every) = self.ping_every
            && now >= self.next_ping
        {
            self.next_ping = now + every;
            if self.stuck.is_empty() {
                d.notifier.send("WATCHDOG=1");
            }
        }
        if now >= self.next_beat {
            self.next_beat = now + self.every;
            d.beat_file();
            let status = d.live.status_line();
            if status != self.status {
                d.notifier.status(&status);
                self.status = status;
            }
        }
    }
}
