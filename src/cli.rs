//! Command-line interface definitions (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "cosmolint",
    version,
    about = "Find insecure Azure Cosmos DB configuration in Terraform, Bicep and ARM templates",
    long_about = "Find insecure Azure Cosmos DB configuration in Terraform (azurerm), Bicep and ARM \
templates before it is deployed. cosmolint works offline: it resolves variables, locals, tfvars \
and local modules itself and never contacts Azure.",
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
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to lint. Directories are searched recursively, skipping hidden
    /// directories, `.terraform` and `node_modules`. A named file is linted with its
    /// directory as context (sibling .tf files, tfvars), but only its own findings are shown.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Exit with status 1 when a finding has at least this severity
    #[arg(long, value_enum, default_value_t = FailOn::Info)]
    pub fail_on: FailOn,

    /// Skip paths matching this glob (relative to the working directory); repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Terraform variable definitions file applied to every root module; repeatable,
    /// later files win (like `terraform plan -var-file`)
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<PathBuf>,

    /// Set a Terraform root variable, e.g. `--var local_auth_disabled=true`; repeatable,
    /// wins over tfvars files
    #[arg(long, value_name = "NAME=VALUE")]
    pub var: Vec<String>,

    /// ARM parameter file (.json) or Bicep parameter file (.bicepparam) applied to the templates it belongs to; repeatable
    #[arg(long, value_name = "FILE")]
    pub parameters: Vec<PathBuf>,

    /// Also list values that could not be resolved offline (registry modules, data
    /// sources, variables without a value); they never produce findings
    #[arg(long)]
    pub show_unresolved: bool,

    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Annotated source snippets for people
    Human,
    /// The stable JSON report
    Json,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
