//! What the allocator holds. glibc keeps freed memory in its per-thread arenas, so a process's
//! RSS stays near its high-water mark after a busy hour; the heap actually in use says whether
//! anything is still held, and trimming gives the rest back to the system.

/// Bytes of heap in use now (allocated and not freed) in glibc's main arena, where the allocator
/// can say. `mallinfo2` counts only that arena: memory other threads took from arenas of their
/// own is not in it (run with `MALLOC_ARENA_MAX=1` for a figure that covers everything).
pub fn heap_in_use() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's own counters.
        let info = unsafe { libc::mallinfo2() };
        Some(info.uordblks as u64)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

/// Asks the allocator to return freed memory to the system (after idle state left memory).
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and releases the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
