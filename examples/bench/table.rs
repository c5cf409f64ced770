//! The table the benchmark prints: one row per ratio, with its baseline, its measurement and its
//! goal (empty when the row is for information).

use crate::plot::Latencies;

#[derive(Default)]
pub struct Table {
    rows: Vec<[String; 5]>,
}

impl Table {
    pub fn row(
        &mut self,
        what: String,
        baseline: String,
        measured: String,
        ratio: f64,
        goal: &str,
    ) {
        let ratio = if ratio.is_finite() {
            format!("{ratio:.2}")
        } else {
            String::new()
        };
        self.rows
            .push([what, baseline, measured, ratio, goal.to_string()]);
    }

    /// Latency percentiles of this binary (the last of `lats`) against the compared one (the
    /// first, if there are two): drop-to-queued p50 and p99 must not grow.
    pub fn latency_rows(&mut self, lats: &[Latencies]) {
        let Some(this) = lats.last() else { return };
        let base = (lats.len() > 1).then(|| &lats[0]);
        let names = ["p50", "p90", "p99"];
        for (what, get) in [
            (
                "drop-to-queued",
                (|l: &Latencies| l.queued) as fn(&Latencies) -> [f64; 3],
            ),
            ("drop-to-succeeded", |l: &Latencies| l.succeeded),
        ] {
            for (k, p) in names.iter().enumerate() {
                let v = get(this)[k];
                let b = base.map_or(f64::NAN, |b| get(b)[k]);
                let goal = if what == "drop-to-queued" && *p != "p90" && base.is_some() {
                    "<= 1.00"
                } else {
                    ""
                };
                self.row(
                    format!("{what} latency {p}, vs the compared binary"),
                    if b.is_finite() {
                        format!("{b:.1} ms")
                    } else {
                        String::new()
                    },
                    format!("{v:.1} ms"),
                    v / b,
                    goal,
                );
            }
        }
    }

    pub fn print(&self) {
        println!("| measurement | baseline | spool | ratio (median of rounds) | goal |");
        println!("|---|---:|---:|---:|---:|");
        for r in &self.rows {
            println!("| {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
        }
    }
}
