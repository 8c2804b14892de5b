//! The `cosmolint` binary: parses the command line, calls the library, maps the result to
//! an exit status.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Color, Command, FailOn, ListFormat, OutputFormat};
use cosmolint::diagnostic::Severity;
use cosmolint::report::{human, json};
use cosmolint::rules;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => {
            let text = match format {
                ListFormat::Human => rules_table(),
                ListFormat::Json => rules_json(),
            };
            write_stdout(&text);
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(meta) => {
                write_stdout(meta.doc);
                ExitCode::SUCCESS
            }
            None => {
                let known: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
                eprintln!("error: unknown rule `{rule}` (known: {})", known.join(", "));
                ExitCode::from(2)
            }
        },
    }
}

fn check(args: cli::CheckArgs) -> ExitCode {
    let mut vars = Vec::new();
    for v in &args.var {
        match v.split_once('=') {
            Some((k, val)) if !k.trim().is_empty() => vars.push((k.trim().to_string(), val.to_string())),
            _ => {
                eprintln!("error: invalid --var `{v}`: expected NAME=VALUE");
                return ExitCode::from(2);
            }
        }
    }
    let opts = cosmolint::Options {
        paths: args.paths,
        excludes: args.exclude,
        var_files: args.var_file,
        vars,
        parameters: args.parameters,
        base: None,
    };
    let report = match cosmolint::lint(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            human::render(&report, human::Style { color, width: 100 }, args.show_unresolved)
        }
        OutputFormat::Json => json::render(&report, args.show_unresolved),
    };
    write_stdout(&text);
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    ExitCode::from(report.exit_code(fail_on) as u8)
}

/// Writes to stdout; a closed pipe (`cosmolint … | head`) is not an error.
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn rules_table() -> String {
    let mut s = format!(
        "{:<8} {:<28} {:<9} {:<8} {}\n",
        "ID", "NAME", "SEVERITY", "DEFAULT", "SUMMARY"
    );
    for r in rules::ALL {
        s.push_str(&format!(
            "{:<8} {:<28} {:<9} {:<8} {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
            if r.enabled_by_default { "on" } else { "off" },
            r.summary
        ));
    }
    s
}

fn rules_json() -> String {
    let list: Vec<serde_json::Value> = rules::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "name": r.name, "severity": r.severity.as_str(),
                "enabled_by_default": r.enabled_by_default, "since": r.since,
                "summary": r.summary, "url": r.url(),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
    s.push('\n');
    s
}
