//! Where an account's keys are used (CDB014): references to key attributes
//! (`azurerm_cosmosdb_account.x.primary_key`, `connection_strings`, …) and calls of
//! `listKeys()` / `listConnectionStrings()` / `listReadOnlyKeys()` on an account, found in
//! the expressions of resources and outputs, with what they flow into.

use super::AccountIdx;
use crate::eval::Via;
use crate::ir::{Expr, ExprKind, TemplatePart};
use crate::source::Span;

/// Attributes of `azurerm_cosmosdb_account` (and its data source) that hold a key.
pub const TERRAFORM_KEY_ATTRIBUTES: &[&str] = &[
    "primary_key",
    "secondary_key",
    "primary_readonly_key",
    "secondary_readonly_key",
    "connection_strings",
    "primary_sql_connection_string",
    "secondary_sql_connection_string",
    "primary_readonly_sql_connection_string",
    "secondary_readonly_sql_connection_string",
    "primary_mongodb_connection_string",
    "secondary_mongodb_connection_string",
    "primary_readonly_mongodb_connection_string",
    "secondary_readonly_mongodb_connection_string",
];

/// ARM/Bicep functions that read keys.
pub const KEY_FUNCTIONS: &[&str] = &["listkeys", "listconnectionstrings", "listreadonlykeys"];

/// What a key flows into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    AppSetting,
    ContainerEnvironment,
    KeyVaultSecret,
    Output,
    /// Another resource's attribute (a linked service, an API Management named value, …).
    Resource,
}

impl SinkKind {
    pub fn label(self) -> &'static str {
        match self {
            SinkKind::AppSetting => "an app setting",
            SinkKind::ContainerEnvironment => "a container environment",
            SinkKind::KeyVaultSecret => "a Key Vault secret",
            SinkKind::Output => "an output",
            SinkKind::Resource => "a resource attribute",
        }
    }

    /// The sink a resource type is, by its type (Terraform or ARM, lower case).
    pub fn of_type(rtype: &str) -> SinkKind {
        let t = rtype.to_ascii_lowercase();
        if t == "azurerm_key_vault_secret" || t == "microsoft.keyvault/vaults/secrets" {
            SinkKind::KeyVaultSecret
        } else if t.contains("web_app")
            || t.contains("function_app")
            || t.starts_with("azurerm_app_service")
            || t.starts_with("microsoft.web/sites")
        {
            SinkKind::AppSetting
        } else if t == "azurerm_container_app"
            || t == "azurerm_container_group"
            || t.starts_with("kubernetes_")
            || t.starts_with("microsoft.app/containerapps")
            || t.starts_with("microsoft.app/jobs")
            || t.starts_with("microsoft.containerinstance/")
        {
            SinkKind::ContainerEnvironment
        } else {
            SinkKind::Resource
        }
    }
}

/// One use of an account's key.
#[derive(Clone, Debug)]
pub struct KeyUse {
    /// The reference or call.
    pub span: Span,
    /// `primary_key`, `listKeys()`.
    pub key: String,
    /// The account of the inputs, when the reference names one.
    pub account: Option<AccountIdx>,
    /// The account as written when it is not among the inputs (an `existing` resource).
    pub account_text: Option<String>,
    pub sink: SinkKind,
    /// The resource or output it flows into, as declared (`azurerm_linux_web_app.api`,
    /// `output "primary_key"`).
    pub sink_address: String,
    pub instance: String,
    pub sink_span: Span,
    pub existence: Vec<Via>,
}

/// Calls `f` on every expression of `e`, outermost first.
pub fn each_expr<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    crate::limits::ensure_stack(|| {
        f(e);
        match &e.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Interp(x) = p {
                        each_expr(x, f);
                    }
                }
            }
            ExprKind::Array(xs) => xs.iter().for_each(|x| each_expr(x, f)),
            ExprKind::Object(fields) => fields.iter().for_each(|x| each_expr(&x.value, f)),
            ExprKind::GetAttr(x, _) | ExprKind::Unary(_, x) | ExprKind::Spread(x) | ExprKind::Lambda(_, x) => {
                each_expr(x, f)
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                each_expr(a, f);
                each_expr(b, f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|x| each_expr(x, f)),
            ExprKind::Conditional(c, t, x) => {
                each_expr(c, f);
                each_expr(t, f);
                each_expr(x, f);
            }
            ExprKind::For(fe) => {
                each_expr(&fe.collection, f);
                if let Some(k) = &fe.key {
                    each_expr(k, f);
                }
                each_expr(&fe.value, f);
                if let Some(c) = &fe.cond {
                    each_expr(c, f);
                }
            }
            ExprKind::DynamicBlock { for_each, content, .. } => {
                each_expr(for_each, f);
                each_expr(content, f);
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Opaque(_) => {}
        }
    })
}

/// Terraform: `azurerm_cosmosdb_account.<name>[…].<key attribute>` in `e`, as
/// (the whole reference, the account's name, the attribute).
pub fn terraform_key_refs(e: &Expr) -> Vec<(&Expr, &str, &str)> {
    let mut out = Vec::new();
    each_expr(e, &mut |x| {
        let ExprKind::GetAttr(inner, attr) = &x.kind else {
            return;
        };
        if !TERRAFORM_KEY_ATTRIBUTES.contains(&attr.as_str()) {
            return;
        }
        let mut base = inner.as_ref();
        while let ExprKind::Index(b, _) = &base.kind {
            base = b;
        }
        if let ExprKind::GetAttr(ty, name) = &base.kind {
            if matches!(&ty.kind, ExprKind::Name(t) if t == "azurerm_cosmosdb_account") {
                out.push((x, name.as_str(), attr.as_str()));
            }
        }
    });
    out
}

/// ARM and Bicep: calls of `listKeys()`, `listConnectionStrings()`, `listReadOnlyKeys()`
/// in `e`, as (the call, the function name as written, its first argument).
pub fn key_calls(e: &Expr) -> Vec<(&Expr, &str, Option<&Expr>)> {
    let mut out = Vec::new();
    each_expr(e, &mut |x| {
        if let ExprKind::Call(name, args) = &x.kind {
            if KEY_FUNCTIONS.contains(&name.to_ascii_lowercase().as_str()) {
                out.push((x, name.as_str(), args.first()));
            }
        }
    });
    out
}
