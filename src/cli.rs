//! Command-line interface definitions (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "cosmolint",
    version,
    about = "Find insecure Azure Cosmos DB configuration in Terraform, Bicep and ARM templates",
    long_about = "Find insecure Azure Cosmos DB configuration in Terraform (azurerm), Bicep and ARM \
templates before it is deployed. cosmolint works offline: it resolves Terraform variables, locals, \
tfvars and local modules, Bicep parameters, .bicepparam files and modules, and ARM parameters, \
variables, parameter files and nested deployments itself, and never contacts Azure.",
    after_help = "Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage, I/O or internal error.\n\
Run `cosmolint rules` for the rule list and `cosmolint explain CDB001` for a rule's documentation."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and directories
    Check(CheckArgs),
    /// List the rules
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a rule's documentation
    Explain {
        /// Rule id or name, e.g. CDB003 or broad-data-actions
        rule: String,
    },
    /// Write a commented default configuration file (.cosmolint.toml); an existing one is
    /// never replaced
    Init {
        /// Directory to write it in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print the effective configuration for PATHS, and where each value comes from
    Config(ConfigCmd),
    /// Show, per Cosmos DB account, who can read or change its data and how: data-plane
    /// role assignments (actions and scopes), management roles that reach keys, and
    /// whether keys work at all
    Access(AccessArgs),
    /// Run the language server (LSP over standard input and output), for editors
    Lsp,
}

#[derive(Args, Debug)]
pub struct AccessArgs {
    /// Files and directories, as for `check`
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// `human` (a table) or `json` (schema in README, "cosmolint access")
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Skip files matching this glob, as for `check`; repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Terraform variable file, as for `check`; repeatable
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
    /// ARM or Bicep parameter file, as for `check`; repeatable
    #[arg(long, value_name = "FILE")]
    pub parameters: Vec<PathBuf>,
}

/// Options that choose and override the configuration (`check` and `config`).
#[derive(Args, Debug, Default)]
pub struct ConfigArgs {
    /// Use this configuration file instead of looking for `.cosmolint.toml` from each path
    /// upward to the repository root. Its relative paths and globs are relative to its
    /// directory
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run only these rules (ids or names, comma-separated, or ALL); replaces the
    /// configuration file's `select`. Repeatable
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Also run these rules, e.g. rules that are off by default (ids or names,
    /// comma-separated); applied after --select. Repeatable
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules (ids or names, comma-separated, or ALL); applied after
    /// --select and --extend-select, and over the configuration file. Repeatable
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ConfigCmd {
    /// The paths whose configuration to show (as for `check`)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// As for `check`
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to lint. Directories are searched recursively, skipping hidden
    /// directories, `.terraform` and `node_modules`. A named file is linted through the
    /// units that contain it (its directory, the roots that call it as a module, the
    /// template of a parameter file, the templates that call a Bicep module), and the
    /// findings that touch it (at their location or any label) are shown. JSON files that
    /// are not ARM templates are skipped.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format; repeatable. Each --format writes to standard output unless the
    /// --output right after it names a file: `--format sarif --output cosmolint.sarif
    /// --format github` writes SARIF to a file and GitHub annotations to standard output. At
    /// most one format may go to standard output; when every format goes to a file, the
    /// human report does. Default: human
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    pub format: Vec<OutputFormat>,

    /// Write the report of the preceding --format to FILE instead of standard output
    /// (created or replaced). Failing to write it is an error (exit status 2)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Exit with status 1 when a finding has at least this severity. Default: the
    /// configuration file's `fail-on`, else info
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Skip files whose path relative to the working directory, or to the linted directory,
    /// matches this glob (a directory excludes everything below it); repeatable. A pattern
    /// that matches no file is warned about. Adds to the configuration file's `exclude`
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Terraform variable definitions file applied to every root module; repeatable,
    /// later files win (like `terraform plan -var-file`). Replaces the configuration
    /// file's `var-files`
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<PathBuf>,

    /// Set a Terraform root variable, e.g. `--var local_auth_disabled=true`; repeatable,
    /// wins over tfvars files
    #[arg(long, value_name = "NAME=VALUE")]
    pub var: Vec<String>,

    /// ARM parameter file (.json) applied to every ARM template after the template's own
    /// `<name>.parameters.json`, or Bicep parameter file (.bicepparam) applied to the
    /// template its `using` names; repeatable, later files win. Replaces the
    /// configuration file's `parameters`
    #[arg(long, value_name = "FILE")]
    pub parameters: Vec<PathBuf>,

    /// Also list the values a rule needed that could not be resolved offline (data sources,
    /// variables without a value, modules that may deploy Cosmos DB but cannot be followed);
    /// they never produce findings
    #[arg(long)]
    pub show_unresolved: bool,

    /// Report only findings that are not in this baseline file (written by
    /// --write-baseline), and list its entries that no longer occur. Findings are matched by
    /// fingerprint (rule, module, resource, attribute, value; never line numbers), so edits
    /// elsewhere, reordering and moving a resource to another file of its module keep them
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings (not the suppressed ones) in this baseline file, created
    /// or replaced, and report against it: exit status 0 unless cosmolint itself fails or a
    /// tool diagnostic (a syntax error, an invalid suppression) is reported. Used instead of
    /// --baseline when both are given
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Also list findings silenced by a `cosmolint-ignore` comment (or ARM
    /// `metadata.cosmolint.ignore`), each with its reason; in JSON as a top-level
    /// `suppressed` array. SARIF always carries them, marked as suppressed
    #[arg(long)]
    pub show_suppressed: bool,

    /// Apply the certain fixes in place (a boolean written where the insecure value comes
    /// from, or an absent attribute inserted), then report what is left. A fix is written
    /// only when linting again with it removes its finding and adds none
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the certain fixes as a unified diff instead of the report, and write nothing;
    /// exit status 1 when there is something to fix
    #[arg(long)]
    pub diff: bool,

    /// Print how long each phase took (discover, read, parse, evaluate, rules, suppress,
    /// report) to stderr
    #[arg(long)]
    pub timings: bool,

    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Do not read files larger than this (an io-error says so): a number of bytes, or
    /// with a suffix K, M or G (KiB, MiB, GiB); at most 4G minus 2 bytes
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// `65536`, `64K`, `64M`, `1G` (binary multiples; `KiB`/`MiB`/`GiB` and lower case too).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    let shift = match unit {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("unknown unit in `{s}` (use K, M or G)")),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 64M)"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("`{s}` is too large"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Annotated source snippets for people
    Human,
    /// The stable JSON report
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (upload-sarif) and SARIF viewers
    Sarif,
    /// GitHub Actions annotations (workflow commands), plus a job summary when
    /// $GITHUB_STEP_SUMMARY is set
    Github,
    /// Azure Pipelines `##vso[task.logissue]` commands
    AzureDevops,
    /// JUnit XML: one test case per linted file (Terraform, Bicep, ARM template) and rule
    Junit,
    /// Language Server Protocol diagnostics grouped by document URI
    LspJson,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::AzureDevops => "azure-devops",
            OutputFormat::Junit => "junit",
            OutputFormat::LspJson => "lsp-json",
        }
    }
}

/// Where one report goes: a file, or standard output when `file` is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` given just before it on the command line.
/// `formats` and `outputs` carry their positions among the arguments (clap's indices).
pub fn destinations(
    formats: &[(usize, OutputFormat)],
    outputs: &[(usize, PathBuf)],
) -> Result<Vec<Destination>, String> {
    let mut dests: Vec<(usize, Destination)> = formats
        .iter()
        .map(|(i, f)| (*i, Destination { format: *f, file: None }))
        .collect();
    dests.sort_by_key(|(i, _)| *i);
    for (at, file) in outputs {
        let Some((_, dest)) = dests.iter_mut().rev().find(|(i, _)| i < at) else {
            return Err(format!(
                "--output {} must follow the --format it applies to, e.g. `--format sarif --output {0}`",
                file.display()
            ));
        };
        if let Some(previous) = &dest.file {
            return Err(format!(
                "--format {} has two --output files ({} and {}); repeat --format for each file",
                dest.format.name(),
                previous.display(),
                file.display()
            ));
        }
        dest.file = Some(file.clone());
    }
    let mut dests: Vec<Destination> = dests.into_iter().map(|(_, d)| d).collect();
    let to_stdout: Vec<&str> = dests
        .iter()
        .filter(|d| d.file.is_none())
        .map(|d| d.format.name())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "only one --format can write to standard output, but {} do; give all but one an --output FILE",
            to_stdout.join(", ")
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for f in dests.iter().filter_map(|d| d.file.as_ref()) {
        if !seen.insert(f) {
            return Err(format!("{} is the --output of more than one --format", f.display()));
        }
    }
    if to_stdout.is_empty() {
        dests.push(Destination {
            format: OutputFormat::Human,
            file: None,
        });
    }
    Ok(dests)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn severity(self) -> cosmolint::diagnostic::Severity {
        use cosmolint::diagnostic::Severity;
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutputFormat::*;

    fn dest(format: OutputFormat, file: Option<&str>) -> Destination {
        Destination {
            format,
            file: file.map(PathBuf::from),
        }
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn no_format_means_human_on_stdout() {
        assert_eq!(destinations(&[], &[]).unwrap(), vec![dest(Human, None)]);
    }

    #[test]
    fn output_binds_to_the_preceding_format() {
        // --format sarif --output out.sarif --format github
        let d = destinations(&[(1, Sarif), (5, Github)], &[(3, "out.sarif".into())]).unwrap();
        assert_eq!(d, vec![dest(Sarif, Some("out.sarif")), dest(Github, None)]);
        // --format github --format sarif --output out.sarif
        let d = destinations(&[(1, Github), (3, Sarif)], &[(5, "out.sarif".into())]).unwrap();
        assert_eq!(d, vec![dest(Github, None), dest(Sarif, Some("out.sarif"))]);
    }

    #[test]
    fn human_goes_to_stdout_when_every_format_has_a_file() {
        let d = destinations(&[(1, Sarif)], &[(3, "out.sarif".into())]).unwrap();
        assert_eq!(d, vec![dest(Sarif, Some("out.sarif")), dest(Human, None)]);
    }

    #[test]
    fn ambiguous_combinations_are_errors() {
        let e = destinations(&[(3, Sarif)], &[(1, "out.sarif".into())]).unwrap_err();
        assert!(e.contains("must follow the --format"), "{e}");
        let e = destinations(&[(1, Sarif)], &[(3, "a".into()), (5, "b".into())]).unwrap_err();
        assert!(e.contains("two --output files"), "{e}");
        let e = destinations(&[(1, Sarif), (3, Github)], &[]).unwrap_err();
        assert!(e.contains("only one --format can write to standard output"), "{e}");
        let e = destinations(&[(1, Sarif), (5, Json)], &[(3, "a".into()), (7, "a".into())]).unwrap_err();
        assert!(e.contains("more than one --format"), "{e}");
    }
}
