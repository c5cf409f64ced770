//! Shared helpers of the integration tests. `pool`: a temp root, the real binary as commands and
//! daemons, manifests, /proc process checks (used by the `daemon_*` tests).
#![allow(dead_code)]

pub mod pool;
