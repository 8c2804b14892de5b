variable "key_vault_key_id" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  key_vault_key_id = var.key_vault_key_id
}
