locals {
  teams = {
    team-a = { disable_keys = true }
    team-b = { disable_keys = false }
  }
}

# Expanded per entry: only `team-b` accepts keys, and the finding names it.
resource "azurerm_cosmosdb_account" "this" {
  for_each                           = local.teams
  name                               = "cosmos-${each.key}"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = each.value.disable_keys # expect: CDB001
  access_key_metadata_writes_enabled = false
}
