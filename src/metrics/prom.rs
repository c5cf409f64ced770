//! The Prometheus text format (version 0.0.4, what node_exporter's textfile collector reads) of a
//! [`Snapshot`]. Every series carries `root="..."`, so that the files of several roots on one host
//! (`mdspool@.service`) never collide in the collector.

use std::fmt::Write;

use super::Snapshot;

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Out {
    text: String,
    root: String,
}

impl Out {
    fn head(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let mut l = format!("root=\"{}\"", self.root);
        for (k, v) in labels {
            let _ = write!(l, ",{k}=\"{}\"", escape(v));
        }
        let _ = writeln!(self.text, "{name}{{{l}}} {value}");
    }

    fn one(&mut self, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
        self.head(name, kind, help);
        self.sample(name, &[], value);
    }

    fn by_code(&mut self, name: &str, help: &str, map: &std::collections::BTreeMap<String, u64>) {
        self.head(name, "counter", help);
        for (code, n) in map {
            self.sample(name, &[("code", code)], n);
        }
    }
}

/// Renders `s` in the Prometheus text format.
pub fn render(s: &Snapshot) -> String {
    let mut o = Out {
        text: String::new(),
        root: escape(&s.root),
    };
    let version = env!("CARGO_PKG_VERSION");
    o.head("mdspool_info", "gauge", "mdspool's version (always 1)");
    o.sample("mdspool_info", &[("version", version)], 1);
    o.one(
        "mdspool_daemon_up",
        "gauge",
        "1 while a daemon of this host serves the root",
        u8::from(s.daemon_up),
    );
    if let Some(d) = &s.daemon {
        o.one(
            "mdspool_daemon_start_time_seconds",
            "gauge",
            "when the daemon started (Unix time)",
            d.started_at.timestamp(),
        );
        o.one(
            "mdspool_daemon_healthy",
            "gauge",
            "1 while no daemon thread is stuck (the systemd watchdog is pinged only then)",
            u8::from(d.healthy),
        );
        o.one(
            "mdspool_conversions_running",
            "gauge",
            "conversion attempts running now",
            d.running,
        );
    }
    o.head("mdspool_jobs", "gauge", "jobs on disk by status");
    for (status, n) in &s.jobs {
        o.sample("mdspool_jobs", &[("status", status)], n);
    }
    o.one(
        "mdspool_queue_depth",
        "gauge",
        "jobs waiting in queued (including those waiting for a retry)",
        s.queue_depth,
    );
    o.one(
        "mdspool_oldest_queued_age_seconds",
        "gauge",
        "how long the job longest in queued has waited since it was queued (0 when none)",
        format!("{:.3}", s.oldest_queued_age_seconds),
    );
    o.one(
        "mdspool_manifests_unreadable",
        "gauge",
        "job manifests that cannot be read (mdspool doctor)",
        s.unreadable_manifests,
    );
    let c = &s.counters;
    o.one(
        "mdspool_ingested_total",
        "counter",
        "drops taken from the inbox that became jobs",
        c.ingested,
    );
    o.by_code(
        "mdspool_rejected_total",
        "drops refused, by code",
        &c.rejected,
    );
    o.one(
        "mdspool_jobs_succeeded_total",
        "counter",
        "jobs that succeeded",
        c.succeeded,
    );
    o.by_code(
        "mdspool_jobs_failed_total",
        "jobs that failed for good, by code",
        &c.failed,
    );
    o.by_code(
        "mdspool_attempts_failed_total",
        "conversion attempts that failed (retried or not), by code",
        &c.attempts_failed,
    );
    o.one(
        "mdspool_pages_converted_total",
        "counter",
        "pages of the jobs that succeeded",
        c.pages,
    );
    let h = &c.conversion_seconds;
    o.head(
        "mdspool_conversion_seconds",
        "histogram",
        "wall-clock time of conversion attempts that ended with a result",
    );
    for (le, n) in h.cumulative() {
        o.sample("mdspool_conversion_seconds_bucket", &[("le", &le)], n);
    }
    // Microseconds are plenty, and the same whether the sum was read back from counters.json.
    o.sample(
        "mdspool_conversion_seconds_sum",
        &[],
        format!("{:.6}", h.sum),
    );
    o.sample("mdspool_conversion_seconds_count", &[], h.count);
    if let Some(free) = s.disk_free_bytes {
        o.one(
            "mdspool_disk_free_bytes",
            "gauge",
            "free space on the root's file system (for the daemon's user)",
            free,
        );
    }
    if let Some(size) = s.disk_size_bytes {
        o.one(
            "mdspool_disk_size_bytes",
            "gauge",
            "size of the root's file system",
            size,
        );
    }
    o.one(
        "mdspool_metrics_timestamp_seconds",
        "gauge",
        "when these figures were taken (Unix time)",
        s.at.timestamp(),
    );
    o.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::census::JobCounts;
    use crate::metrics::{Counters, Snapshot};
    use crate::store::JobStatus;

    #[test]
    fn every_line_is_a_comment_or_a_sample_with_the_root_label() {
        let mut counts = JobCounts::default();
        counts.by_status.insert(JobStatus::Queued, 2);
        counts.by_status.insert(JobStatus::Failed, 1);
        let mut c = Counters::default();
        c.rejected.insert("not_a_pdf".into(), 4);
        c.conversion_seconds.observe(0.7);
        let s = Snapshot::new(
            std::path::Path::new("/srv/a \"b\""),
            &counts,
            c,
            None,
            false,
        );
        let text = render(&s);
        for line in text.lines() {
            assert!(
                line.starts_with("# HELP ")
                    || line.starts_with("# TYPE ")
                    || line.contains("{root=\"/srv/a \\\"b\\\"\""),
                "{line}"
            );
        }
        assert!(text.contains("mdspool_jobs{root=\"/srv/a \\\"b\\\"\",status=\"queued\"} 2\n"));
        assert!(
            text.contains(
                "mdspool_rejected_total{root=\"/srv/a \\\"b\\\"\",code=\"not_a_pdf\"} 4\n"
            )
        );
        assert!(text.contains("le=\"1\"} 1\n"));
        assert!(text.contains("mdspool_daemon_up{root=\"/srv/a \\\"b\\\"\"} 0\n"));
        assert!(text.ends_with('\n'));
    }
}
