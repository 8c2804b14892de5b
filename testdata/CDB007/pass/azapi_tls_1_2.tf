resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType = "Standard"
      minimalTlsVersion        = "Tls12"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}
