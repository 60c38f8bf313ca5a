//! The `borderwatch` command line: parse, run, report an error. The
//! commands live in `src/cli/`, one file each; no subcommand opens the
//! viewer on the default scenario.

mod cli;

use borderwatch::error::Error;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(Error::Invalid(p)) => {
            cli::print_problems(&p);
            eprintln!("{} error(s); nothing done", p.errors().count());
            ExitCode::from(1)
        }
        Err(Error::Options(ps)) => {
            // the core names the field (`access_m`); here it is a flag
            for p in ps {
                eprintln!("error: --{} {}", p.field.replace('_', "-"), p.message);
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
