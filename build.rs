//! Rebuilds the binary when the web page changes: its files are embedded
//! (`src/serve/assets.rs`), and cargo does not watch what a macro reads.
fn main() {
    println!("cargo:rerun-if-changed=web/index.html");
    println!("cargo:rerun-if-changed=web/assets");
}
