//! Rebuilds the binary when the web page changes: its files are embedded
//! (`src/serve/assets.rs`), and cargo does not watch what a macro reads.
//!
//! On Linux the binary is linked as a fixed-address executable (`-no-pie`):
//! a position-independent one makes the loader patch some 36,000 pointers
//! at every start, copying about 200 pages of the binary to do so, which
//! was a third of a search's start-up (see `BENCHMARKS.md`, start-up). The
//! price is that the program's own code loses address randomisation
//! (its libraries, heap and stacks keep theirs). `NORMSEARCH_PIE=1` at
//! build time keeps a position-independent binary, with its relocations
//! packed (a few kilobytes for the loader to read instead of 880).
fn main() {
    println!("cargo:rerun-if-changed=web/index.html");
    println!("cargo:rerun-if-changed=web/assets");
    println!("cargo:rerun-if-env-changed=NORMSEARCH_PIE");
    let target_is = |key: &str, value: &str| std::env::var(key).as_deref() == Ok(value);
    if target_is("CARGO_CFG_TARGET_OS", "linux") && target_is("CARGO_CFG_TARGET_ENV", "gnu") {
        if std::env::var_os("NORMSEARCH_PIE").is_some_and(|v| v == "1") {
            println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        } else {
            println!("cargo:rustc-link-arg-bins=-no-pie");
        }
    }
}
