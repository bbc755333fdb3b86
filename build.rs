//! Build script: link the binaries as position-dependent executables on Linux.
//!
//! Why: a position-independent executable is relocated by the dynamic loader at every start,
//! and this one (polars, Tantivy) carries hundreds of thousands of relocations; applying them
//! touched about 700 pages and took 5 of the 9 ms of a `statemine --version` on the benchmark
//! machine, which every `statemine search` pays. Without `-pie` the linker resolves them once.
//! The cost is that the executable itself loads at a fixed address (libraries, stack and heap
//! are still randomised). Only the final link changes: no dependency is rebuilt.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
