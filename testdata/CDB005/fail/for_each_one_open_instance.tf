locals {
  accounts = {
    internal = { public = false }
    partner  = { public = true }
  }
}

# Expanded per entry: only `partner` is open, and the finding names it.
resource "azurerm_cosmosdb_account" "this" {
  for_each                      = local.accounts
  name                          = "cosmos-${each.key}"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  public_network_access_enabled = each.value.public # expect: CDB005
}
