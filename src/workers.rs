//! The workers of a run: one thread pool, used to parse a long CSV's chunks and to evaluate entities.

use std::sync::OnceLock;

/// The workers: as many as cores (or `RAYON_NUM_THREADS`), each with the deep stack of the main
/// thread ([`crate::limits::STACK_BYTES`]), since an entity's cells may build on each other hundreds
/// deep. Made at first use, so a run of a few entities starts no thread.
pub fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let builder = rayon::ThreadPoolBuilder::new().stack_size(crate::limits::STACK_BYTES);
        builder.build().unwrap_or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("one thread"))
    })
}

/// How many workers there are.
pub fn threads() -> usize {
    pool().current_num_threads()
}
