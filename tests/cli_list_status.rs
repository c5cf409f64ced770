//! `list` filters by source name, status and error code, shows the error code, the pinned flag and
//! the output path (all in `--json` too), and lists refused drops with `--rejected`; `status` of a
//! pinned job says it never expires, and `status --file` finds the outcome of a drop by its file.

mod support;

use mdspool::Code;
use mdspool::convert::ConvertCode;
use mdspool::store::JobStatus;
use mdspool::store::manifest::JobError;
use serde_json::Value;
use support::Root;

fn json(o: &std::process::Output) -> Value {
    assert!(o.status.success(), "{o:?}");
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn list_filters_and_shows_code_pin_output_and_refusals() {
    let r = Root::new("");
    let a = r.submit_job("a.pdf", "k-a", &[]);
    r.finish(a, JobStatus::Succeeded);
    let b = r.submit_job("b.pdf", "k-b", &["--pin"]);
    let s = r.store();
    s.transition(b, JobStatus::Running, |_| {}).unwrap();
    s.transition(b, JobStatus::Failed, |m| {
        m.error = Some(JobError {
            code: Code::Convert(ConvertCode::PdfMalformed),
            message: "broken".into(),
        })
    })
    .unwrap();
    let bad = r.outside("bad.pdf");
    std::fs::write(&bad, b"not a pdf").unwrap();
    assert_eq!(
        r.code(&["submit", bad.to_str().unwrap(), "--key", "k-bad"]),
        Some(7)
    );

    let v = json(&r.mdspool(&["list", "--json", "--source", "a.pdf"]));
    let jobs = v.as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["output"], format!("jobs/{a}/artifacts/output.md"));
    let v = json(&r.mdspool(&["list", "--json", "--code", "pdf_malformed"]));
    let jobs = v.as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["job_id"], b.to_string());
    assert_eq!(jobs[0]["pinned"], true);
    assert!(jobs[0].get("output").is_none());
    let v = json(&r.mdspool(&["list", "--json", "--status", "succeeded"]));
    assert_eq!(v.as_array().unwrap().len(), 1);

    let o = r.mdspool(&["list"]);
    let text = String::from_utf8(o.stdout).unwrap();
    let head = text.lines().next().unwrap();
    for col in ["PIN", "ERROR", "SOURCE", "OUTPUT"] {
        assert!(head.contains(col), "{head}");
    }
    let row_b = text
        .lines()
        .find(|l| l.starts_with(&b.to_string()))
        .unwrap();
    assert!(
        row_b.contains(" yes ") && row_b.contains("pdf_malformed"),
        "{row_b}"
    );
    let row_a = text
        .lines()
        .find(|l| l.starts_with(&a.to_string()))
        .unwrap();
    assert!(
        row_a.ends_with(&format!("jobs/{a}/artifacts/output.md")),
        "{row_a}"
    );

    let v = json(&r.mdspool(&["list", "--rejected", "--json"]));
    let notes = v.as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["file"], "rejected/bad.pdf");
    assert_eq!(notes[0]["code"], "not_a_pdf");
    assert_eq!(notes[0]["key"], "k-bad");
    let v = json(&r.mdspool(&["list", "--rejected", "--json", "--code", "too_large"]));
    assert!(v.as_array().unwrap().is_empty());
    let o = r.mdspool(&["list", "--rejected", "--source", "bad.pdf"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("not_a_pdf"));

    // A pinned job never expires.
    let o = r.mdspool(&["status", &b.to_string()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("expires   never (pinned)"), "{text}");
}

#[test]
fn status_file_finds_the_outcome_of_a_drop_without_sidecar() {
    let r = Root::new("");
    // A drop without sidecar is keyed by its content.
    let local = r.outside("scan.pdf");
    std::fs::write(&local, support::pdf("scan", &[])).unwrap();
    let o = r.mdspool(&["submit", local.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    let id = String::from_utf8(o.stdout).unwrap().trim().to_string();

    let by_content = json(&r.mdspool(&["status", "--json", "--file", local.to_str().unwrap()]));
    assert_eq!(by_content["job_id"], id.as_str());
    // Without the file at hand: by the name it was dropped under.
    let by_name = json(&r.mdspool(&["status", "--json", "--file", "scan.pdf"]));
    assert_eq!(by_name["job_id"], id.as_str());

    let bad = r.outside("notes.pdf");
    std::fs::write(&bad, b"plain text").unwrap();
    assert_eq!(r.code(&["submit", bad.to_str().unwrap()]), Some(7));
    let o = r.mdspool(&["status", "--json", "--file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "drop_rejected");
    assert_eq!(r.code(&["status", "--file", "notes.pdf"]), Some(7));
    assert_eq!(r.code(&["status", "--file", "never-dropped.pdf"]), Some(3));
}
