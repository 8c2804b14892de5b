resource "azurerm_private_endpoint" "cosmos" {
  name                = "pe-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  subnet_id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints"

  private_service_connection {
    name                           = "orders"
    is_manual_connection           = false
    private_connection_resource_id = azurerm_cosmosdb_account.main.id
    subresource_names              = ["Sql"]
  }
}
