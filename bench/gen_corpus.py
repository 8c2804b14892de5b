#!/usr/bin/env python3
"""Writes a deterministic synthetic Cosmos DB IaC corpus for cosmolint's benchmarks.

    python3 bench/gen_corpus.py OUTDIR [--tf N] [--arm N] [--bicep N] [--seed S]

Layout (one Terraform root module per directory, so variables never clash):

    OUTDIR/terraform/stack-NNNN/main.tf
    OUTDIR/arm/template-NNNN.json
    OUTDIR/bicep/main-NNNN.bicep

The standard benchmark corpus is `--tf 2000 --arm 500 --bicep 500 --seed 1` (3,000 files,
~16 MB). Files are 100-300 lines of the kind real repositories hold: a resource group or
parameters, a few unrelated resources (storage, key vault, web app, network, monitoring),
one or two Cosmos DB accounts with databases and containers, SQL role definitions and role
assignments. Security settings are written literally, through a variable/parameter default
or through a local/variable, or left out (so the provider's default applies); role
assignments are scoped to the account, a database or a container, with built-in or custom
roles. Each file has its own random generator, seeded with the seed, the format and the
file's number: file N does not change when the counts do, and the same arguments always
write the same bytes. Python 3 standard library only.
"""

import argparse
import json
import os
import random

DA = "Microsoft.DocumentDB/databaseAccounts"
READ_ACTIONS = [DA + "/readMetadata", DA + "/sqlDatabases/containers/items/read",
                DA + "/sqlDatabases/containers/executeQuery", DA + "/sqlDatabases/containers/readChangeFeed"]
WRITE_ACTIONS = [DA + "/sqlDatabases/containers/items/create", DA + "/sqlDatabases/containers/items/upsert",
                 DA + "/sqlDatabases/containers/items/replace", DA + "/sqlDatabases/containers/items/delete"]
WILDCARDS = [DA + "/sqlDatabases/containers/items/*", DA + "/sqlDatabases/containers/*", DA + "/*", "*"]
BUILT_IN = {"reader": "00000000-0000-0000-0000-000000000001", "contributor": "00000000-0000-0000-0000-000000000002"}
REGIONS = ["westeurope", "northeurope", "swedencentral", "uksouth", "eastus", "eastus2", "westus3", "japaneast"]
TEAMS = ["payments", "ledger", "search", "identity", "shipping", "catalog", "reviews", "metrics", "notify"]
STAGES = ["dev", "qa", "staging", "prod"]
CONSISTENCY = ["Session", "Eventual", "BoundedStaleness", "ConsistentPrefix", "Strong"]
IP_LISTS = [["13.91.105.215"], ["20.45.0.0/18", "52.187.184.26"], ["0.0.0.0"], ["0.0.0.0/0"],
            ["104.42.195.92", "40.76.54.131", "52.176.6.30"]]


def pick(r, options, weights=None):
    return r.choices(options, weights)[0]


def settings(r):
    """One account's security-relevant settings; None means "not written"."""
    return {
        "local_auth_off": pick(r, [True, False, None], [5, 3, 2]),
        "metadata_writes_off": pick(r, [True, False, None], [4, 3, 3]),
        "public": pick(r, [True, False, None], [3, 4, 3]),
        "ips": pick(r, [None] + IP_LISTS, [6, 1, 1, 1, 1, 1]),
        "vnet": r.random() < 0.3,
        "tls": pick(r, [None, "Tls12", "Tls11", "Tls"], [5, 3, 1, 1]),
        "api": pick(r, ["sql", "mongo", "sql-default"], [6, 1, 3]),
        "serverless": r.random() < 0.25,
        "cmk": r.random() < 0.3,
        "regions": r.sample(REGIONS, pick(r, [1, 2, 3], [5, 3, 1])),
        "consistency": r.choice(CONSISTENCY),
    }


def access(r, n_accounts):
    """Role definitions and assignments of one file."""
    defs, assigns = [], []
    for a in range(n_accounts):
        for d in range(pick(r, [0, 1, 2], [3, 5, 2])):
            kind = pick(r, ["read", "write", "wild"], [4, 3, 3])
            actions = list(READ_ACTIONS[: r.randint(2, 4)])
            if kind == "write":
                actions += WRITE_ACTIONS[: r.randint(1, 4)]
            if kind == "wild":
                actions = [DA + "/readMetadata", r.choice(WILDCARDS)]
            defs.append({"account": a, "name": f"{r.choice(TEAMS)}{d}", "actions": actions})
        mine = [i for i, d in enumerate(defs) if d["account"] == a]
        for g in range(pick(r, [0, 1, 2, 3], [1, 4, 3, 2])):
            role = r.choice(mine) if mine and r.random() < 0.6 else r.choice(list(BUILT_IN))
            assigns.append({"account": a, "name": f"{r.choice(TEAMS)}-{g}", "role": role,
                            "scope": pick(r, ["account", "database", "container"], [4, 4, 2]),
                            "loop": r.random() < 0.3})
    return defs, assigns


class Out:
    def __init__(self):
        self.lines = []

    def __call__(self, *lines):
        self.lines.extend(lines)

    def text(self):
        return "\n".join(self.lines) + "\n"


# ---------------------------------------------------------------------------- Terraform

def terraform(r, n):
    team, stage = r.choice(TEAMS), r.choice(STAGES)
    v4 = r.random() < 0.5
    accounts = [settings(r) for _ in range(pick(r, [1, 2], [4, 1]))]
    defs, assigns = access(r, len(accounts))
    head, body = Out(), Out()
    variables, locals_ = [], {}

    def written(name, hcl, hcl_type):
        """A value written literally, through a variable default or through a local."""
        how = pick(r, ["literal", "variable", "local"], [6, 3, 1])
        if how == "variable":
            variables.append((name, hcl_type, hcl))
            return f"var.{name}"
        if how == "local":
            locals_[name] = hcl
            return f"local.{name}"
        return hcl

    def b(x):
        return "true" if x else "false"

    head('terraform {', '  required_version = ">= 1.6"', '', '  required_providers {', '    azurerm = {',
         '      source  = "hashicorp/azurerm"', f'      version = "{"~> 4.10" if v4 else "~> 3.110"}"', '    }', '  }',
         '}', '', 'provider "azurerm" {', '  features {', '    key_vault {',
         '      purge_soft_delete_on_destroy = false', '    }', '  }', '}', '',
         'data "azurerm_client_config" "current" {}', '')
    body('resource "azurerm_resource_group" "this" {', f'  name     = "rg-{team}-${{var.stage}}"',
         '  location = var.location', '  tags     = local.tags', '}', '')
    rg = "azurerm_resource_group.this"
    extras = r.sample(["storage", "vault", "network", "monitor", "app"], r.randint(1, 3))
    if "storage" in extras:
        body('resource "azurerm_storage_account" "logs" {', f'  name                     = "st{team}{n:04d}"',
             f'  resource_group_name      = {rg}.name', f'  location                 = {rg}.location',
             '  account_tier             = "Standard"', '  account_replication_type = "ZRS"',
             '  min_tls_version          = "TLS1_2"', '  https_traffic_only_enabled = true', '',
             '  blob_properties {', '    delete_retention_policy {', '      days = 30', '    }', '  }', '',
             '  tags = local.tags', '}', '')
    if "vault" in extras or any(a["cmk"] for a in accounts):
        body('resource "azurerm_key_vault" "this" {', f'  name                      = "kv-{team}-{n:04d}"',
             f'  resource_group_name       = {rg}.name', f'  location                  = {rg}.location',
             '  tenant_id                 = data.azurerm_client_config.current.tenant_id',
             '  sku_name                  = "standard"', '  enable_rbac_authorization = true',
             '  purge_protection_enabled  = true', '}', '', 'resource "azurerm_key_vault_key" "cosmos" {',
             '  name         = "cosmos-cmk"', '  key_vault_id = azurerm_key_vault.this.id', '  key_type     = "RSA"',
             '  key_size     = 2048', '  key_opts     = ["wrapKey", "unwrapKey"]', '}', '')
    if "network" in extras or any(a["vnet"] for a in accounts):
        body('resource "azurerm_virtual_network" "this" {', f'  name                = "vnet-{team}"',
             f'  resource_group_name = {rg}.name', f'  location            = {rg}.location',
             '  address_space       = ["10.40.0.0/16"]', '}', '', 'resource "azurerm_subnet" "data" {',
             '  name                 = "data"', f'  resource_group_name  = {rg}.name',
             '  virtual_network_name = azurerm_virtual_network.this.name', '  address_prefixes     = ["10.40.1.0/24"]',
             '  service_endpoints    = ["Microsoft.AzureCosmosDB"]', '}', '')
    if "monitor" in extras:
        body('resource "azurerm_log_analytics_workspace" "this" {', f'  name                = "log-{team}"',
             f'  resource_group_name = {rg}.name', f'  location            = {rg}.location',
             '  sku                 = "PerGB2018"', '  retention_in_days   = 90', '}', '')
    if "app" in extras:
        body('resource "azurerm_service_plan" "this" {', f'  name                = "asp-{team}"',
             f'  resource_group_name = {rg}.name', f'  location            = {rg}.location',
             '  os_type             = "Linux"', '  sku_name            = "P1v3"', '}', '',
             'resource "azurerm_linux_web_app" "api" {', f'  name                = "app-{team}-{n:04d}"',
             f'  resource_group_name = {rg}.name', f'  location            = {rg}.location',
             '  service_plan_id     = azurerm_service_plan.this.id', '', '  identity {',
             '    type = "SystemAssigned"', '  }', '', '  site_config {', '    always_on = true', '  }', '',
             '  app_settings = {', '    COSMOS_ENDPOINT = azurerm_cosmosdb_account.a0.endpoint',
             '    COSMOS_DATABASE = "app"', '  }', '}', '')

    for i, a in enumerate(accounts):
        s = f"a{i}"
        lines = [f'  name                = "cosmos-{team}-${{var.stage}}-{i}"', f'  location            = {rg}.location',
                 f'  resource_group_name = {rg}.name', '  offer_type          = "Standard"']
        if a["api"] == "sql":
            lines.append('  kind                = "GlobalDocumentDB"')
        elif a["api"] == "mongo":
            lines += ['  kind                = "MongoDB"', '  mongo_server_version = "4.2"']
        lines.append("")
        if a["local_auth_off"] is not None:
            lines.append(f"  local_authentication_disabled      = {written(f'cosmos{i}_local_auth_disabled', b(a['local_auth_off']), 'bool')}")
        if a["metadata_writes_off"] is not None:
            lines.append(f"  access_key_metadata_writes_enabled = {written(f'cosmos{i}_key_metadata_writes', b(not a['metadata_writes_off']), 'bool')}")
        if a["public"] is not None:
            lines.append(f"  public_network_access_enabled      = {written(f'cosmos{i}_public', b(a['public']), 'bool')}")
        if a["tls"]:
            lines.append(f'  minimal_tls_version                = "{a["tls"]}"')
        if a["ips"]:
            ips = ("[" + ", ".join(f'"{x}"' for x in a["ips"]) + "]") if v4 else ('"' + ",".join(a["ips"]) + '"')
            lines.append(f"  ip_range_filter                    = {written(f'cosmos{i}_ip_range_filter', ips, 'list(string)' if v4 else 'string')}")
        if a["vnet"]:
            lines.append("  is_virtual_network_filter_enabled  = true")
        if a["cmk"]:
            lines.append("  key_vault_key_id                   = azurerm_key_vault_key.cosmos.versionless_id")
        lines += ["", "  consistency_policy {", f'    consistency_level       = "{a["consistency"]}"']
        if a["consistency"] == "BoundedStaleness":
            lines += ["    max_interval_in_seconds = 600", "    max_staleness_prefix    = 200000"]
        lines.append("  }")
        for p, region in enumerate(a["regions"]):
            lines += ["", "  geo_location {", f'    location          = "{region}"', f"    failover_priority = {p}",
                      f"    zone_redundant    = {b(p == 0 and stage == 'prod')}", "  }"]
        caps = (["EnableServerless"] if a["serverless"] else []) + (["EnableMongo"] if a["api"] == "mongo" else [])
        for c in caps:
            lines += ["", "  capabilities {", f'    name = "{c}"', "  }"]
        if a["vnet"]:
            lines += ["", "  virtual_network_rule {", "    id = azurerm_subnet.data.id", "  }"]
        if not a["serverless"]:
            lines += ["", "  backup {", '    type                = "Periodic"', "    interval_in_minutes = 240",
                      "    retention_in_hours  = 48", "  }"]
        lines += ["", "  tags = local.tags"]
        body(f'resource "azurerm_cosmosdb_account" "{s}" {{', *lines, "}", "")
        if a["api"] == "mongo":
            continue
        body(f'resource "azurerm_cosmosdb_sql_database" "{s}_app" {{', '  name                = "app"',
             f'  resource_group_name = azurerm_cosmosdb_account.{s}.resource_group_name',
             f'  account_name        = azurerm_cosmosdb_account.{s}.name', '}', '')
        for c in r.sample(["orders", "events", "users", "sessions"], r.randint(1, 3)):
            body(f'resource "azurerm_cosmosdb_sql_container" "{s}_{c}" {{', f'  name                  = "{c}"',
                 f'  resource_group_name   = azurerm_cosmosdb_account.{s}.resource_group_name',
                 f'  account_name          = azurerm_cosmosdb_account.{s}.name',
                 f'  database_name         = azurerm_cosmosdb_sql_database.{s}_app.name',
                 '  partition_key_paths   = ["/tenantId"]' if v4 else '  partition_key_path    = "/tenantId"',
                 f'  default_ttl           = {r.choice([-1, 3600, 86400])}', '', '  indexing_policy {',
                 '    indexing_mode = "consistent"', '', '    included_path {', '      path = "/*"', '    }', '',
                 '    excluded_path {', '      path = "/\\"_etag\\"/?"', '    }', '  }', '}', '')
    for j, d in enumerate(defs):
        s = f"a{d['account']}"
        actions = "\n".join(f'        "{x}",' for x in d["actions"])
        body(f'resource "azurerm_cosmosdb_sql_role_definition" "r{j}" {{', f'  name                = "{d["name"]}"',
             f'  resource_group_name = {rg}.name', f'  account_name        = azurerm_cosmosdb_account.{s}.name',
             '  type                = "CustomRole"', f'  assignable_scopes   = [azurerm_cosmosdb_account.{s}.id]', '',
             '  permissions {', '    data_actions = [', actions, '    ]', '  }', '}', '')
    for j, g in enumerate(assigns):
        s = f"a{g['account']}"
        if accounts[g["account"]]["api"] == "mongo" and g["scope"] != "account":
            g["scope"] = "account"
        role = (f'"${{azurerm_cosmosdb_account.{s}.id}}/sqlRoleDefinitions/{BUILT_IN[g["role"]]}"'
                if isinstance(g["role"], str) else f"azurerm_cosmosdb_sql_role_definition.r{g['role']}.id")
        scope = {"account": f"azurerm_cosmosdb_account.{s}.id",
                 "database": f'"${{azurerm_cosmosdb_account.{s}.id}}/dbs/app"',
                 "container": f'"${{azurerm_cosmosdb_account.{s}.id}}/dbs/app/colls/orders"'}[g["scope"]]
        loop = ["  for_each            = toset(var.reader_principal_ids)"] if g["loop"] else []
        principal = "each.value" if g["loop"] else '"3f1c2a9e-5b7d-4e21-9c8a-0d4b6e2f7a13"'
        body(f'resource "azurerm_cosmosdb_sql_role_assignment" "g{j}" {{', *loop,
             f'  resource_group_name = {rg}.name', f'  account_name        = azurerm_cosmosdb_account.{s}.name',
             f'  role_definition_id  = {role}', f'  principal_id        = {principal}', f'  scope               = {scope}',
             '}', '')
    body('output "cosmos_endpoint" {', '  value = azurerm_cosmosdb_account.a0.endpoint', '}')

    decl = Out()
    decl('variable "stage" {', '  type    = string', f'  default = "{stage}"', '}', '', 'variable "location" {',
         '  type    = string', f'  default = "{accounts[0]["regions"][0]}"', '}', '')
    if any(g["loop"] for g in assigns):
        decl('variable "reader_principal_ids" {', '  type    = list(string)',
             '  default = ["8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6", "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"]', '}', '')
    for name, hcl_type, value in variables:
        decl(f'variable "{name}" {{', f'  type    = {hcl_type}', f'  default = {value}', '}', '')
    decl('locals {', '  tags = {', f'    team  = "{team}"', '    stage = var.stage', '    owner = "platform"', '  }')
    for name, value in locals_.items():
        decl(f"  {name} = {value}")
    decl('}', '')
    return head.text() + decl.text() + body.text()


# ---------------------------------------------------------------------------- ARM

def arm(r, n):
    team = r.choice(TEAMS)
    accounts = [settings(r) for _ in range(pick(r, [1, 2], [4, 1]))]
    defs, assigns = access(r, len(accounts))
    params = {
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]",
                     "metadata": {"description": "Location of every resource."}},
        "stage": {"type": "string", "defaultValue": r.choice(STAGES), "allowedValues": STAGES},
        "principalId": {"type": "string", "defaultValue": "3f1c2a9e-5b7d-4e21-9c8a-0d4b6e2f7a13"},
    }
    variables = {"prefix": f"[format('{team}-{{0}}', parameters('stage'))]",
                 "tags": {"team": team, "stage": "[parameters('stage')]"}}
    resources = []

    def written(name, value, ptype):
        how = pick(r, ["literal", "parameter", "variable"], [6, 3, 1])
        if how == "parameter":
            params[name] = {"type": ptype, "defaultValue": value}
            return f"[parameters('{name}')]"
        if how == "variable":
            variables[name] = value
            return f"[variables('{name}')]"
        return value

    if r.random() < 0.5:
        resources.append({"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01",
                          "name": f"[concat('st', uniqueString(resourceGroup().id), '{n:04d}')]",
                          "location": "[parameters('location')]", "sku": {"name": "Standard_ZRS"}, "kind": "StorageV2",
                          "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                                         "supportsHttpsTrafficOnly": True}, "tags": "[variables('tags')]"})
    for i, a in enumerate(accounts):
        pn = f"accountName{i}"
        params[pn] = {"type": "string", "defaultValue": f"[toLower(concat('cosmos-', variables('prefix'), '-{i}'))]"}
        props = {"databaseAccountOfferType": "Standard",
                 "consistencyPolicy": {"defaultConsistencyLevel": a["consistency"]},
                 "locations": [{"locationName": region, "failoverPriority": p, "isZoneRedundant": False}
                               for p, region in enumerate(a["regions"])]}
        if a["local_auth_off"] is not None:
            props["disableLocalAuth"] = written(f"disableLocalAuth{i}", a["local_auth_off"], "bool")
        if a["metadata_writes_off"] is not None:
            props["disableKeyBasedMetadataWriteAccess"] = written(f"disableMetadataWrites{i}", a["metadata_writes_off"], "bool")
        if a["public"] is not None:
            props["publicNetworkAccess"] = written(f"publicNetworkAccess{i}", "Enabled" if a["public"] else "Disabled", "string")
        if a["tls"]:
            props["minimalTlsVersion"] = a["tls"]
        if a["ips"]:
            props["ipRules"] = [{"ipAddressOrRange": x} for x in a["ips"]]
        if a["vnet"]:
            params["subnetId"] = {"type": "string", "defaultValue": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'data')]"}
            props["isVirtualNetworkFilterEnabled"] = True
            props["virtualNetworkRules"] = [{"id": "[parameters('subnetId')]", "ignoreMissingVNetServiceEndpoint": False}]
        caps = (["EnableServerless"] if a["serverless"] else []) + (["EnableMongo"] if a["api"] == "mongo" else [])
        if caps:
            props["capabilities"] = [{"name": c} for c in caps]
        if a["cmk"]:
            params["keyUri"] = {"type": "string", "defaultValue": f"https://kv-{team}.vault.azure.net/keys/cosmos"}
            props["keyVaultKeyUri"] = "[parameters('keyUri')]"
        account = {"type": DA, "apiVersion": "2024-05-15", "name": f"[parameters('{pn}')]", "location": "[parameters('location')]",
                   "tags": "[variables('tags')]", "properties": props}
        if a["api"] == "sql":
            account["kind"] = "GlobalDocumentDB"
        elif a["api"] == "mongo":
            account["kind"] = "MongoDB"
        resources.append(account)
        if a["api"] == "mongo":
            continue
        resources.append({"type": DA + "/sqlDatabases", "apiVersion": "2024-05-15",
                          "name": f"[format('{{0}}/{{1}}', parameters('{pn}'), 'app')]",
                          "properties": {"resource": {"id": "app"}},
                          "dependsOn": [f"[resourceId('{DA}', parameters('{pn}'))]"]})
        for c in r.sample(["orders", "events", "users"], r.randint(1, 3)):
            resources.append({"type": DA + "/sqlDatabases/containers", "apiVersion": "2024-05-15",
                              "name": f"[concat(parameters('{pn}'), '/app/{c}')]",
                              "properties": {"resource": {"id": c, "partitionKey": {"paths": ["/tenantId"], "kind": "Hash"},
                                                          "defaultTtl": r.choice([-1, 3600, 86400])}},
                              "dependsOn": [f"[resourceId('{DA}/sqlDatabases', parameters('{pn}'), 'app')]"]})
    for j, d in enumerate(defs):
        pn = f"accountName{d['account']}"
        resources.append({"type": DA + "/sqlRoleDefinitions", "apiVersion": "2024-05-15",
                          "name": f"[concat(parameters('{pn}'), '/', guid(resourceGroup().id, '{d['name']}'))]",
                          "properties": {"roleName": d["name"], "type": "CustomRole",
                                         "assignableScopes": [f"[resourceId('{DA}', parameters('{pn}'))]"],
                                         "permissions": [{"dataActions": d["actions"]}]},
                          "dependsOn": [f"[resourceId('{DA}', parameters('{pn}'))]"]})
    for j, g in enumerate(assigns):
        pn = f"accountName{g['account']}"
        account_id = f"resourceId('{DA}', parameters('{pn}'))"
        if isinstance(g["role"], str):
            role = f"[resourceId('{DA}/sqlRoleDefinitions', parameters('{pn}'), '{BUILT_IN[g['role']]}')]"
        else:
            role = f"[resourceId('{DA}/sqlRoleDefinitions', parameters('{pn}'), guid(resourceGroup().id, '{defs[g['role']]['name']}'))]"
        scope = {"account": f"[{account_id}]", "database": f"[concat({account_id}, '/dbs/app')]",
                 "container": f"[format('{{0}}/dbs/app/colls/orders', {account_id})]"}[g["scope"]]
        resources.append({"type": DA + "/sqlRoleAssignments", "apiVersion": "2024-05-15",
                          "name": f"[concat(parameters('{pn}'), '/', guid('{g['name']}', parameters('principalId')))]",
                          "properties": {"roleDefinitionId": role, "principalId": "[parameters('principalId')]", "scope": scope},
                          "dependsOn": [f"[{account_id}]"]})
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "parameters": params, "variables": variables, "resources": resources,
                "outputs": {"endpoint": {"type": "string",
                                         "value": f"[reference(resourceId('{DA}', parameters('accountName0'))).documentEndpoint]"}}}
    return json.dumps(template, indent=2) + "\n"


# ---------------------------------------------------------------------------- Bicep

def bicep(r, n):
    team = r.choice(TEAMS)
    accounts = [settings(r) for _ in range(pick(r, [1, 2], [4, 1]))]
    defs, assigns = access(r, len(accounts))
    head, body = Out(), Out()
    head("targetScope = 'resourceGroup'", "", "@description('Location of every resource.')",
         "param location string = resourceGroup().location", "", "@allowed([", *[f"  '{s}'" for s in STAGES], "])",
         f"param stage string = '{r.choice(STAGES)}'", "", "var tags = {", f"  team: '{team}'", "  stage: stage", "}", "")
    conditional = r.random() < 0.3
    if conditional:
        head("@description('Deploy the database account.')", "param deployCosmos bool = true", "")
    if any(g["loop"] for g in assigns):
        head("param readerPrincipalIds array = [", "  '8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6'",
             "  '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d'", "]", "")
    head("param principalId string = '3f1c2a9e-5b7d-4e21-9c8a-0d4b6e2f7a13'", "")

    def written(name, value, btype):
        how = pick(r, ["literal", "param", "var"], [6, 3, 1])
        if how == "param":
            head(f"param {name} {btype} = {value}", "")
            return name
        if how == "var":
            head(f"var {name} = {value}", "")
            return name
        return value

    def b(x):
        return "true" if x else "false"

    if any(a["cmk"] for a in accounts):
        body(f"resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {{", f"  name: 'kv-{team}'", "}", "",
             "resource cmk 'Microsoft.KeyVault/vaults/keys@2023-07-01' existing = {", "  parent: vault", "  name: 'cosmos'",
             "}", "")
    if r.random() < 0.5:
        body("resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {",
             f"  name: 'st{team}${{uniqueString(resourceGroup().id)}}'", "  location: location", "  kind: 'StorageV2'",
             "  sku: {", "    name: 'Standard_ZRS'", "  }", "  properties: {", "    minimumTlsVersion: 'TLS1_2'",
             "    allowBlobPublicAccess: false", "    supportsHttpsTrafficOnly: true", "  }", "  tags: tags", "}", "")
    if r.random() < 0.5:
        body("resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {", f"  name: 'log-{team}-${{stage}}'",
             "  location: location", "  properties: {", "    sku: {", "      name: 'PerGB2018'", "    }",
             "    retentionInDays: 90", "  }", "  tags: tags", "}", "")
    for i, a in enumerate(accounts):
        props = ["    databaseAccountOfferType: 'Standard'", "    consistencyPolicy: {",
                 f"      defaultConsistencyLevel: '{a['consistency']}'", "    }", "    locations: ["]
        for p, region in enumerate(a["regions"]):
            props += ["      {", f"        locationName: {'location' if p == 0 else repr(region)}",
                      f"        failoverPriority: {p}", "      }"]
        props.append("    ]")
        if a["local_auth_off"] is not None:
            props.append(f"    disableLocalAuth: {written(f'disableLocalAuth{i}', b(a['local_auth_off']), 'bool')}")
        if a["metadata_writes_off"] is not None:
            props.append(f"    disableKeyBasedMetadataWriteAccess: {written(f'disableMetadataWrites{i}', b(a['metadata_writes_off']), 'bool')}")
        if a["public"] is not None:
            props.append(f"    publicNetworkAccess: {written(f'publicNetworkAccess{i}', repr('Enabled' if a['public'] else 'Disabled'), 'string')}")
        if a["tls"]:
            props.append(f"    minimalTlsVersion: '{a['tls']}'")
        if a["ips"]:
            props += ["    ipRules: [for ip in " + "[" + ", ".join(repr(x) for x in a["ips"]) + "]: {", "      ipAddressOrRange: ip", "    }]"]
        if a["vnet"]:
            props += ["    isVirtualNetworkFilterEnabled: true", "    virtualNetworkRules: [", "      {",
                      "        id: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'data')", "      }", "    ]"]
        caps = (["EnableServerless"] if a["serverless"] else []) + (["EnableMongo"] if a["api"] == "mongo" else [])
        if caps:
            props += ["    capabilities: ["] + [f"      {{\n        name: '{c}'\n      }}" for c in caps] + ["    ]"]
        if a["cmk"]:
            props.append("    keyVaultKeyUri: cmk.properties.keyUri")
        kind = {"sql": ["  kind: 'GlobalDocumentDB'"], "mongo": ["  kind: 'MongoDB'"], "sql-default": []}[a["api"]]
        body(f"resource account{i} '{DA}@2024-05-15' = {'if (deployCosmos) ' if conditional else ''}{{",
             f"  name: toLower('cosmos-{team}-${{stage}}-{i}')", "  location: location", *kind, "  tags: tags",
             "  properties: {", *props, "  }", "}", "")
        if a["api"] == "mongo":
            continue
        containers = r.sample(["orders", "events", "users"], r.randint(1, 3))
        body(f"resource database{i} '{DA}/sqlDatabases@2024-05-15' = {{", f"  parent: account{i}", "  name: 'app'",
             "  properties: {", "    resource: {", "      id: 'app'", "    }", "  }", "}", "",
             f"resource containers{i} '{DA}/sqlDatabases/containers@2024-05-15' = [for c in {containers!r}: {{".replace('"', "'"),
             f"  parent: database{i}", "  name: c", "  properties: {", "    resource: {", "      id: c",
             "      partitionKey: {", "        paths: [", "          '/tenantId'", "        ]", "        kind: 'Hash'",
             "      }", "    }", "  }", "}]", "")
    for j, d in enumerate(defs):
        actions = "\n".join(f"          '{x}'" for x in d["actions"])
        body(f"resource role{j} '{DA}/sqlRoleDefinitions@2024-05-15' = {{", f"  parent: account{d['account']}",
             f"  name: guid(account{d['account']}.id, '{d['name']}')", "  properties: {", f"    roleName: '{d['name']}'",
             "    type: 'CustomRole'", "    assignableScopes: [", f"      account{d['account']}.id", "    ]",
             "    permissions: [", "      {", "        dataActions: [", actions, "        ]", "      }", "    ]", "  }",
             "}", "")
    for j, g in enumerate(assigns):
        s = f"account{g['account']}"
        role = (f"'${{{s}.id}}/sqlRoleDefinitions/{BUILT_IN[g['role']]}'" if isinstance(g["role"], str)
                else f"role{g['role']}.id")
        if accounts[g["account"]]["api"] == "mongo":
            g["scope"] = "account"
        scope = {"account": f"{s}.id", "database": f"'${{{s}.id}}/dbs/app'",
                 "container": f"'${{{s}.id}}/dbs/app/colls/orders'"}[g["scope"]]
        if g["loop"]:
            body(f"resource grant{j} '{DA}/sqlRoleAssignments@2024-05-15' = [for p in readerPrincipalIds: {{",
                 f"  parent: {s}", f"  name: guid({s}.id, p, '{g['name']}')", "  properties: {",
                 f"    roleDefinitionId: {role}", "    principalId: p", f"    scope: {scope}", "  }", "}]", "")
        else:
            body(f"resource grant{j} '{DA}/sqlRoleAssignments@2024-05-15' = {{", f"  parent: {s}",
                 f"  name: guid({s}.id, principalId, '{g['name']}')", "  properties: {", f"    roleDefinitionId: {role}",
                 "    principalId: principalId", f"    scope: {scope}", "  }", "}", "")
    body("output endpoint string = account0.properties.documentEndpoint")
    return head.text() + body.text()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--tf", type=int, default=2000)
    ap.add_argument("--arm", type=int, default=500)
    ap.add_argument("--bicep", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    kinds = [("terraform", args.tf, terraform, "terraform/stack-{:04d}/main.tf"),
             ("arm", args.arm, arm, "arm/template-{:04d}.json"),
             ("bicep", args.bicep, bicep, "bicep/main-{:04d}.bicep")]
    for kind, count, generate, pattern in kinds:
        for i in range(1, count + 1):
            text = generate(random.Random(f"cosmolint-bench:{args.seed}:{kind}:{i}"), i)
            path = os.path.join(args.outdir, pattern.format(i))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="\n") as f:
                f.write(text)


if __name__ == "__main__":
    main()
