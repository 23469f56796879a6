//! `normsearch serve`: the JSON API and the web page on a local address
//! (see [`crate::serve`]), until Ctrl-C or SIGTERM.
//!
//! Prints `listening on http://ADDRESS/` on stdout once the socket is
//! bound (a script or a test reads the port from it when given port 0),
//! and on stderr how the index is: built on first use, stale, unusable.
//! Binds loopback unless told otherwise, and warns when told otherwise.

use super::Global;
use crate::serve::{Config, Notice, Server, DEFAULT_BIND};
use crate::UserError;
use anyhow::Result;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on: loopback by default, so only this machine
    /// can ask; port 0 picks a free port.
    #[arg(long, default_value = DEFAULT_BIND, value_name = "ADDR:PORT")]
    pub bind: SocketAddr,
}

/// Runs `serve`.
pub fn run(args: &ServeArgs, global: &Global) -> Result<ExitCode> {
    if !global.corpus.join("corpus.toml").is_file() && !crate::index::exists(&global.index) {
        return Err(UserError::NoManifest {
            path: global.corpus.join("corpus.toml"),
        }
        .into());
    }
    let config = Config {
        bind: args.bind,
        corpus: global.corpus.clone(),
        index: global.index.clone(),
        build: super::index::options(global, 0, true),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("normsearch-serve")
        .build()?;
    runtime.block_on(async move {
        let index_dir = config.index.clone();
        let corpus_dir = config.corpus.clone();
        let notices = Arc::new(move |notice: Notice| note(&notice, &index_dir, &corpus_dir));
        let server = Server::bind(&config, notices).await?;
        let addr = server.local_addr()?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "normsearch: warning: listening on {addr}, which other machines may reach; \
                 pass --bind 127.0.0.1:{} to answer this machine only",
                addr.port()
            );
        }
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on http://{addr}/")?;
            out.flush()?;
        }
        server.run(shutdown_signal()).await?;
        eprintln!("normsearch: server stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints what the server says about its index.
fn note(notice: &Notice, index: &std::path::Path, corpus: &std::path::Path) {
    match notice {
        Notice::Building => eprintln!(
            "normsearch: no index in {}; building it from {} (the API answers 503 until it is done)",
            index.display(),
            corpus.display()
        ),
        Notice::Built(summary) => eprintln!(
            "normsearch: {}",
            super::index::summary_line(summary, index)
        ),
        Notice::Unavailable(e) => {
            let advice = e
                .user()
                .and_then(super::advice)
                .map(|a| format!("; {a}"))
                .unwrap_or_default();
            eprintln!(
                "normsearch: error: {e}{advice} (the API answers 503 until it is done)"
            );
        }
        Notice::Stale(why) => eprintln!(
            "normsearch: warning: the index in {} is stale: {why}; run `normsearch index` to rebuild it (the server follows the new index)",
            index.display()
        ),
    }
}

/// Resolves on Ctrl-C or SIGTERM: the server then finishes the requests
/// in flight and stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
