//! The `cosmolint` binary: parses the command line, calls the library, maps the result to
//! an exit status.

mod cli;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches};
use cli::{Cli, Color, Command, ConfigArgs, ListFormat, OutputFormat};
use cosmolint::config;
use cosmolint::report::{azure_devops, github, human, json, junit, lsp_json, sarif};
use cosmolint::rules;

/// Parsing and evaluation allocate many small, short-lived nodes; mimalloc spends a
/// fraction of the system allocator's time on them (measured with `bench/run.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Parsed through `ArgMatches` rather than `Cli::parse()` because pairing `--output` with
    // its `--format` needs the arguments' positions.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Check(args) => check(args, matches.subcommand_matches("check")),
        Command::Rules { format } => {
            let text = match format {
                ListFormat::Human => rules_table(),
                ListFormat::Json => rules_json(),
            };
            write_stdout(&text);
            ExitCode::SUCCESS
        }
        Command::Lsp => ExitCode::from(u8::try_from(cosmolint::lsp::run()).unwrap_or(1)),
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
        Command::Init { dir } => match config::init(&dir) {
            Ok(path) => {
                eprintln!(
                    "wrote {}: every setting is commented out at its default; `cosmolint config` shows the effect",
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Access(a) => access(a),
        Command::Config(c) => {
            let overrides = config::Overrides {
                fail_on: c.fail_on.map(|f| f.severity()),
                ..Default::default()
            };
            match configuration(&c.paths, &c.config, overrides) {
                Ok(resolved) => {
                    write_stdout(&resolved.render());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `cosmolint access`: the same run as `check` (configuration included), shown per account.
fn access(args: cli::AccessArgs) -> ExitCode {
    let overrides = config::Overrides {
        var_files: args.var_file,
        parameters: args.parameters,
        ..Default::default()
    };
    let resolved = match configuration(&args.paths, &ConfigArgs::default(), overrides) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = cosmolint::Options {
        paths: args.paths,
        excludes: args.exclude,
        var_files: resolved.var_files.0,
        parameters: resolved.parameters.0,
        settings: resolved.settings,
        ..Default::default()
    };
    let report = match cosmolint::lint(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let text = match args.format {
        ListFormat::Human => {
            cosmolint::report::defuse_commands(cosmolint::access::render_table(&report.files, &report.access))
        }
        ListFormat::Json => cosmolint::access::render_json(&report.files, &report.access),
    };
    write_stdout(&text);
    if report
        .diagnostics
        .iter()
        .any(|d| !d.is_rule() && d.severity == cosmolint::diagnostic::Severity::Error)
    {
        for d in report.diagnostics.iter().filter(|d| !d.is_rule()) {
            eprintln!("warning: {}", cosmolint::report::printable(&d.message));
        }
    }
    ExitCode::SUCCESS
}

/// The configuration of a run over `paths`: `--config`, else the `.cosmolint.toml` found
/// for the paths, resolved with the command line's overrides.
fn configuration(
    paths: &[std::path::PathBuf],
    args: &ConfigArgs,
    mut overrides: config::Overrides,
) -> Result<config::Resolved, config::ConfigError> {
    let cwd = std::env::current_dir().ok();
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::find(paths)?,
    };
    let file = path.map(|p| config::load(&p, cwd.as_deref())).transpose()?;
    overrides.select = args.select.clone();
    overrides.extend_select = args.extend_select.clone();
    overrides.ignore = args.ignore.clone();
    config::resolve(file.as_ref(), &overrides)
}

/// The values of a repeatable option with their positions on the command line.
fn indexed<T: Clone>(matches: Option<&ArgMatches>, id: &str, values: &[T]) -> Vec<(usize, T)> {
    let indices = matches.and_then(|m| m.indices_of(id)).into_iter().flatten();
    indices.zip(values.iter().cloned()).collect()
}

fn check(args: cli::CheckArgs, matches: Option<&ArgMatches>) -> ExitCode {
    let destinations = match cli::destinations(
        &indexed(matches, "format", &args.format),
        &indexed(matches, "output", &args.output),
    ) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
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
    let overrides = config::Overrides {
        fail_on: args.fail_on.map(|f| f.severity()),
        var_files: args.var_file,
        parameters: args.parameters,
        ..Default::default()
    };
    let resolved = match configuration(&args.paths, &args.config, overrides) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let fail_on = resolved.fail_on.0;
    // A bad baseline is found before the run, not after it.
    let baseline = match (&args.write_baseline, &args.baseline) {
        (None, Some(path)) => match cosmolint::baseline::Baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let opts = cosmolint::Options {
        paths: args.paths,
        excludes: args.exclude,
        var_files: resolved.var_files.0,
        vars,
        parameters: resolved.parameters.0,
        base: None,
        max_file_size: Some(args.max_file_size),
        settings: resolved.settings,
    };
    let mut report = match cosmolint::lint(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.write_baseline {
        let written = cosmolint::baseline::of_report(&report, path.display().to_string());
        if let Err(e) = written.write(path) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprintln!(
            "wrote {} {} to the baseline {}",
            written.entries.len(),
            if written.entries.len() == 1 {
                "finding"
            } else {
                "findings"
            },
            path.display()
        );
        cosmolint::baseline::apply(&mut report, &written);
    } else if let Some(b) = &baseline {
        cosmolint::baseline::apply(&mut report, b);
    }
    if args.fix || args.diff {
        let (plan, after) = match cosmolint::fix::fix_all(&opts, &report) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let n = plan.fixed.len();
        let findings = if n == 1 { "finding" } else { "findings" };
        if args.diff {
            write_stdout(&cosmolint::fix::diff(&plan));
            eprintln!("{n} {findings} can be fixed with --fix");
            return ExitCode::from(u8::from(!plan.is_empty()));
        }
        let problems = cosmolint::fix::write(&plan);
        for p in &problems {
            eprintln!("warning: {p}");
        }
        if problems.is_empty() {
            eprintln!("fixed {n} {findings} in {} of the files", plan.files.len());
            report = after;
        } else {
            // Some files were not written: report what is on disk now.
            report = match cosmolint::lint(&opts) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
        }
        if let Some(b) = &baseline {
            cosmolint::baseline::apply(&mut report, b);
        }
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let render_start = std::time::Instant::now();
    let mut output_failed = false;
    for dest in &destinations {
        let text = match dest.format {
            OutputFormat::Human => {
                let color = match (args.color, &dest.file) {
                    (Color::Always, _) => true,
                    (Color::Never, _) | (Color::Auto, Some(_)) => false,
                    (Color::Auto, None) => {
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    }
                };
                human::render_with(
                    &report,
                    human::Style { color, width: 100 },
                    args.show_unresolved,
                    args.show_suppressed,
                )
            }
            OutputFormat::Json => json::render_with(&report, args.show_unresolved, args.show_suppressed),
            OutputFormat::Sarif => sarif::render(&report),
            OutputFormat::Github => github::render(&report),
            OutputFormat::AzureDevops => azure_devops::render(&report),
            OutputFormat::Junit => junit::render(&report),
            OutputFormat::LspJson => lsp_json::render(&report),
        };
        match &dest.file {
            None => write_stdout(&text),
            Some(file) => {
                if let Err(e) = std::fs::write(file, &text) {
                    eprintln!(
                        "error: cannot write the {} report to {}: {e}",
                        dest.format.name(),
                        file.display()
                    );
                    output_failed = true;
                }
            }
        }
        if dest.format == OutputFormat::Github {
            if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()) {
                if let Err(e) = append(Path::new(&summary), &github::step_summary(&report)) {
                    eprintln!(
                        "error: cannot append the job summary to {} ($GITHUB_STEP_SUMMARY): {e}",
                        Path::new(&summary).display()
                    );
                    output_failed = true;
                }
            }
        }
    }
    if args.timings {
        eprint!("{}", report.timings.render(render_start.elapsed()));
    }
    if output_failed {
        return ExitCode::from(2);
    }
    ExitCode::from(report.exit_code(fail_on) as u8)
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())
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
