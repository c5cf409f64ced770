//! The `cluster` thread: every `cluster.lease_renew` it rewrites this host's heartbeat and every
//! lease its workers hold. It stops last (after the workers), writing the heartbeat once more as
//! `stopped`, so that a daemon that starts alone later knows this host is gone.

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::cluster::Cluster;
use crate::error::Result;
use crate::health::Beat;
use crate::store::Store;

/// Body of the `cluster` thread, until `stop` fires.
pub fn run(
    cluster: Arc<Cluster>,
    store: Arc<Store>,
    stop: Receiver<()>,
    beat: &Beat,
) -> Result<()> {
    loop {
        // Test hook: `leases.renew=hang` blocks the renewals of this host (a partition seen from
        // the others) while its conversions go on.
        crate::failpoint::hit("leases.renew");
        let now = store.now();
        cluster.renew_leases(now);
        if let Err(e) = cluster.write_beat("serving", now) {
            tracing::warn!(error = %e, "cannot write this host's heartbeat");
        }
        if !crate::health::wait(&stop, cluster.renew, beat) {
            break;
        }
    }
    cluster.write_beat("stopped", store.now())
}
