resource "azurerm_key_vault_key" "cosmos" {
  name         = "cosmos-cmk"
  key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  key_vault_key_id = azurerm_key_vault_key.cosmos.versionless_id
}
