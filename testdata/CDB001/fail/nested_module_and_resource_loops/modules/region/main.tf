variable "region" {
  type = string
}

locals {
  tiers = {
    app       = { disable_keys = true }
    analytics = { disable_keys = var.region == "eu" }
  }
}

# module.region["us"].azurerm_cosmosdb_account.tier["analytics"] accepts keys.
resource "azurerm_cosmosdb_account" "tier" {
  for_each                           = local.tiers
  name                               = "${var.region}-${each.key}"
  location                           = var.region
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = each.value.disable_keys # expect: CDB001
  access_key_metadata_writes_enabled = false
}
