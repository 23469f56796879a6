//! The integration tests: the real binary on the real corpus, one test
//! binary (built once, linked once) with a module per area and the
//! helpers in [`util`].

mod util;

mod bad_input;
mod cli;
mod concepts;
mod concurrency;
mod containment;
mod crash_safety;
mod gencorpus;
mod gold;
mod grid;
mod languages;
mod librarian;
mod query_props;
mod reuse;
mod search_cli;
mod search_relevance;
mod segmentation;
mod serve;
mod shell;
mod shell_pty;
mod themes_quality;
