//! The systemd notification protocol (sd_notify(3)) in a few lines, without libsystemd: datagrams
//! of `KEY=VALUE` lines sent to the Unix socket named by `$NOTIFY_SOCKET` (a path, or an abstract
//! socket when it starts with `@`). Without that variable (not started by systemd with
//! `Type=notify`) every call does nothing. `$WATCHDOG_USEC` (with `$WATCHDOG_PID`, when set, naming
//! this process) asks for `WATCHDOG=1` pings; [`Notifier::watchdog_every`] says how often: half of
//! it, as sd_watchdog_enabled(3) advises.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

pub struct Notifier {
    socket: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Duration>,
}

fn address(spec: &str) -> std::io::Result<SocketAddr> {
    match spec.strip_prefix('@') {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes())
        }
        None => SocketAddr::from_pathname(spec),
    }
}

impl Notifier {
    /// From `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID`.
    pub fn from_env() -> Notifier {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let socket = var("NOTIFY_SOCKET").and_then(|spec| {
            let r = address(&spec).and_then(|a| Ok((UnixDatagram::unbound()?, a)));
            match r {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!(socket = %spec, error = %e, "cannot use NOTIFY_SOCKET");
                    None
                }
            }
        });
        let for_us = var("WATCHDOG_PID")
            .is_none_or(|p| p.trim().parse::<u32>().ok() == Some(std::process::id()));
        let watchdog = var("WATCHDOG_USEC")
            .and_then(|u| u.trim().parse::<u64>().ok())
            .filter(|u| *u > 0 && for_us)
            .map(|u| Duration::from_micros(u / 2));
        Notifier { socket, watchdog }
    }

    /// Sends `state` (`READY=1`, `STATUS=...`, several lines at once); failures are logged once
    /// at debug level only: a missing supervisor must never stop the daemon.
    pub fn send(&self, state: &str) {
        if let Some((sock, addr)) = &self.socket
            && let Err(e) = sock.send_to_addr(state.as_bytes(), addr)
        {
            tracing::debug!(error = %e, "sd_notify failed");
        }
    }

    /// `STATUS=<text>`: what `systemctl status` shows.
    pub fn status(&self, text: &str) {
        self.send(&format!("STATUS={}", text.replace('\n', " ")));
    }

    /// How often to send `WATCHDOG=1`, when systemd asked for it.
    pub fn watchdog_every(&self) -> Option<Duration> {
        self.watchdog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrams_reach_path_and_abstract_sockets() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("notify");
        let rx = UnixDatagram::bind(&path).unwrap();
        let n = Notifier {
            socket: Some((
                UnixDatagram::unbound().unwrap(),
                address(path.to_str().unwrap()).unwrap(),
            )),
            watchdog: None,
        };
        n.send("READY=1\nSTATUS=ok");
        let mut buf = [0u8; 256];
        let len = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"READY=1\nSTATUS=ok");

        let name = format!("mdspool-test-{}", std::process::id());
        let abs = address(&format!("@{name}")).unwrap();
        let rx = UnixDatagram::bind_addr(&abs).unwrap();
        let n = Notifier {
            socket: Some((UnixDatagram::unbound().unwrap(), abs)),
            watchdog: None,
        };
        n.status("serving\nnow");
        let len = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"STATUS=serving now");
    }
}
