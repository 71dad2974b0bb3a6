//! Phase timings on stderr when `IASMN_TRACE` is set, to see where a run's time goes on a large
//! repository (`IASMN_TRACE=1 iasmn check`). Costs one environment lookup otherwise.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("IASMN_TRACE").is_some_and(|v| !v.is_empty()))
}

/// Runs `work`, printing how long it took under `name` when tracing is on.
pub fn phase<T>(name: &str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let start = Instant::now();
    let result = work();
    let millis = start.elapsed().as_secs_f64() * 1e3;
    let _ = writeln!(
        std::io::stderr().lock(),
        "iasmn trace: {name}: {millis:.1} ms"
    );
    result
}
