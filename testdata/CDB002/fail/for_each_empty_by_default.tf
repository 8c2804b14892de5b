variable "accounts" {
  type    = map(object({ name = string }))
  default = {}
}

# One account per entry of `var.accounts`; the empty default deploys none, but a caller
# that sets it deploys them all, each with key-based metadata writes on.
resource "azurerm_cosmosdb_account" "per_team" {
  for_each                           = var.accounts
  name                               = each.value.name
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = true
  access_key_metadata_writes_enabled = true # expect: CDB002
}
