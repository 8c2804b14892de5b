variable "private_endpoint" {
  type    = bool
  default = false
}

resource "azurerm_cosmosdb_account" "main" { # expect: CDB013
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}

# Not deployed unless someone sets `private_endpoint`: it protects nothing.
resource "azurerm_private_endpoint" "main" {
  count               = var.private_endpoint ? 1 : 0
  name                = "contoso-pe"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe"

  private_service_connection {
    name                           = "contoso"
    is_manual_connection           = false
    private_connection_resource_id = azurerm_cosmosdb_account.main.id
    subresource_names              = ["Sql"]
  }
}
