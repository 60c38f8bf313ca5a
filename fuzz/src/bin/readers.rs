//! The AFL++ target: `cargo afl build --release`, then
//! `cargo afl fuzz -i corpus/readers -o out target/release/readers`
//! (scripts/fuzz does both). Scratch files go to $BW_FUZZ_DIR (default
//! /dev/shm, memory-backed).

fn main() {
    let root = std::env::var_os("BW_FUZZ_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/dev/shm".into());
    let bench = borderwatch_fuzz::Bench::new(&root);
    afl::fuzz!(|data: &[u8]| {
        bench.run(data);
    });
}
