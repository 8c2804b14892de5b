# azurerm 4.x. IP rules restrict on their own: the VNet filter need not be on
# (Checkov's CKV_AZURE_99 wants both).
resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = ["52.174.16.0/24", "13.91.105.215"]
}
