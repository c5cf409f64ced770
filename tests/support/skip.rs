//! The one way a test gives up for want of a prerequisite (root, a loop device, python3, a corpus,
//! Landlock, a share server). Elsewhere it prints why and the test returns. Under `CI=true` giving up
//! fails the test, unless `.ci/run` declares that part in `MDSPOOL_CI_SKIP`, one `NAME: REASON` per
//! line (or separated by `;`), with a reason: so CI can never count a skipped part as passed.

/// The declared reason for skipping `name` under CI, if `MDSPOOL_CI_SKIP` has one.
pub fn declared(name: &str) -> Option<String> {
    let list = std::env::var("MDSPOOL_CI_SKIP").unwrap_or_default();
    list.split(['\n', ';'])
        .filter_map(|e| e.split_once(':'))
        .find(|(n, why)| n.trim() == name && !why.trim().is_empty())
        .map(|(_, why)| why.trim().to_string())
}

/// Whether this run is CI's (`CI=true`).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Give up the part `name` of a test because `why`: prints it and returns, so that the caller
/// returns; under `CI=true` panics instead, unless `.ci/run` declared the skip of `name`.
pub fn skip(name: &str, why: &str) {
    if under_ci() {
        match declared(name) {
            Some(reason) => eprintln!("SKIP {name} (declared in .ci/run: {reason}): {why}"),
            None => panic!(
                "{name}: {why}; under CI=true a missing prerequisite fails the test \
                 (.ci/run installs it, or declares MDSPOOL_CI_SKIP=\"{name}: REASON\")"
            ),
        }
    } else {
        eprintln!("SKIP {name}: {why}");
    }
}
