//! CPU-bound work over the whole dataset, kept off the async runtime's workers.
//!
//! A write or a reload touches every record: copying the records (about 50,000 on the world
//! dataset), laying a change over them, sorting them, dropping an old copy. Each takes
//! milliseconds to tens of milliseconds. Run on one of the runtime's two workers (this
//! machine has two cores), it holds up every request queued behind it: the readers' p99
//! with writers busy. [`off_runtime`] runs such work where it does not: on a multi-thread
//! runtime, `block_in_place` hands the worker's queue to another thread first; elsewhere
//! (a current-thread runtime, as in most tests, or no runtime) it simply runs it.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs `work`, which may take a while, without holding up the tasks queued on the
/// current runtime worker (see the module's documentation).
pub fn off_runtime<R>(work: impl FnOnce() -> R) -> R {
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// Drops `value` (a whole copy of the records, say) off the runtime's workers.
pub fn drop_off_runtime<T>(value: T) {
    off_runtime(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_work_on_every_kind_of_runtime_and_outside_one() {
        assert_eq!(off_runtime(|| 2 + 2), 4);
        let current = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
        assert_eq!(current.block_on(async { off_runtime(|| 3) }), 3);
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("a multi-thread runtime");
        assert_eq!(
            multi.block_on(async {
                tokio::spawn(async { off_runtime(|| 5) })
                    .await
                    .expect("the task")
            }),
            5
        );
        // From the runtime's blocking pool, as the validation's thread calls it.
        assert_eq!(
            multi.block_on(async {
                tokio::task::spawn_blocking(|| off_runtime(|| 7))
                    .await
                    .expect("the blocking task")
            }),
            7
        );
        assert_eq!(multi.block_on(async { off_runtime(|| 11) }), 11);
    }
}
