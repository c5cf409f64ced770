//! The benchmark's figures as one SVG (`--plot PATH`), written by hand (no plotting library, no
//! system libraries): on the left the throughput against the worker count (bare child, spool, and
//! the compared binary's spool), on the right the drop-to-queued and drop-to-succeeded latency
//! percentiles of each binary measured.

use std::fmt::Write;

/// Throughput (docs/s, medians of the rounds) at one worker count.
pub struct Point {
    pub workers: usize,
    pub bare: f64,
    pub spool: f64,
    pub compared: Option<f64>,
}

/// The latency percentiles (p50, p90, p99 in ms) of one binary.
pub struct Latencies {
    pub label: String,
    pub queued: [f64; 3],
    pub succeeded: [f64; 3],
}

/// Reads one series of the left panel from a point.
type Get = fn(&Point) -> Option<f64>;

const W: f64 = 960.0;
const H: f64 = 420.0;
const COLORS: [&str; 4] = ["#555555", "#1f77b4", "#ff7f0e", "#2ca02c"];

fn text(s: &mut String, x: f64, y: f64, anchor: &str, size: u32, t: &str) {
    let t = t.replace('&', "&amp;").replace('<', "&lt;");
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}">{t}</text>"#
    );
}

/// A "nice" upper bound for an axis from 0 to `max`.
fn ceil_nice(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * mag)
}

/// Axes of a panel at (x0, y0) of size (w, h) with y from 0 to `top`, 5 ticks; the title on top.
fn axes(s: &mut String, (x0, y0, w, h): (f64, f64, f64, f64), top: f64, title: &str, unit: &str) {
    let _ = writeln!(
        s,
        r##"<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#999"/>"##
    );
    for k in 0..=5 {
        let v = top * k as f64 / 5.0;
        let y = y0 + h - h * k as f64 / 5.0;
        let _ = writeln!(
            s,
            r##"<line x1="{x0}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#eee"/>"##,
            x0 + w
        );
        text(s, x0 - 6.0, y + 4.0, "end", 11, &format!("{v:.0}"));
    }
    text(s, x0 + w / 2.0, y0 - 12.0, "middle", 14, title);
    text(s, x0 - 40.0, y0 - 12.0, "start", 11, unit);
}

/// The SVG document.
pub fn svg(points: &[Point], lat: &[Latencies], caption: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    // Left: throughput against workers.
    let panel = (70.0, 50.0, 360.0, 290.0);
    let (x0, y0, w, h) = panel;
    let max = points
        .iter()
        .flat_map(|p| [p.bare, p.spool, p.compared.unwrap_or(0.0)])
        .fold(0.0, f64::max);
    let top = ceil_nice(max);
    axes(&mut s, panel, top, "throughput against workers", "docs/s");
    let n = points.len().max(1);
    let px = |i: usize| x0 + w * (i as f64 + 0.5) / n as f64;
    let py = |v: f64| y0 + h - h * (v / top).clamp(0.0, 1.0);
    for (i, p) in points.iter().enumerate() {
        text(
            &mut s,
            px(i),
            y0 + h + 18.0,
            "middle",
            11,
            &p.workers.to_string(),
        );
    }
    text(
        &mut s,
        x0 + w / 2.0,
        y0 + h + 36.0,
        "middle",
        12,
        "workers (bare: threads)",
    );
    let series: [(&str, Get); 3] = [
        ("bare child", |p| Some(p.bare)),
        ("spool", |p| Some(p.spool)),
        ("spool, compared binary", |p| p.compared),
    ];
    for (k, (name, get)) in series.iter().enumerate() {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| get(p).map(|v| (px(i), py(v))))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let line: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let c = COLORS[k];
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2"/>"#,
            line.join(" ")
        );
        for (x, y) in &pts {
            let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{c}"/>"#);
        }
        let ly = y0 + 16.0 + 16.0 * k as f64;
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="12" height="4" fill="{c}"/>"#,
            x0 + 10.0,
            ly - 6.0
        );
        text(&mut s, x0 + 28.0, ly, "start", 11, name);
    }
    // Right: latency percentiles, grouped bars.
    let panel = (540.0, 50.0, 390.0, 290.0);
    let (x0, y0, w, h) = panel;
    let max = lat
        .iter()
        .flat_map(|l| l.queued.iter().chain(&l.succeeded))
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = ceil_nice(max);
    axes(&mut s, panel, top, "latency percentiles", "ms");
    let groups = ["queued p50", "p90", "p99", "succeeded p50", "p90", "p99"];
    let gw = w / groups.len() as f64;
    let bw = (gw - 8.0) / lat.len().max(1) as f64;
    for (g, name) in groups.iter().enumerate() {
        text(
            &mut s,
            x0 + gw * (g as f64 + 0.5),
            y0 + h + 18.0,
            "middle",
            10,
            name,
        );
        for (k, l) in lat.iter().enumerate() {
            let v = if g < 3 {
                l.queued[g]
            } else {
                l.succeeded[g - 3]
            };
            if !v.is_finite() {
                continue;
            }
            let bh = h * (v / top).clamp(0.0, 1.0);
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="{}"><title>{}: {v:.1} ms</title></rect>"#,
                x0 + gw * g as f64 + 4.0 + bw * k as f64,
                y0 + h - bh,
                bw - 1.0,
                COLORS[1 + k % 3],
                l.label
            );
        }
    }
    for (k, l) in lat.iter().enumerate() {
        let ly = y0 + 16.0 + 16.0 * k as f64;
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="12" height="8" fill="{}"/>"#,
            x0 + 10.0,
            ly - 8.0,
            COLORS[1 + k % 3]
        );
        text(&mut s, x0 + 28.0, ly, "start", 11, &l.label);
    }
    text(&mut s, W / 2.0, H - 12.0, "middle", 11, caption);
    s.push_str("</svg>\n");
    s
}
