resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2021-10-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  location  = "westeurope"
  body = jsonencode({
    properties = {
      databaseAccountOfferType           = "Standard"
      disableKeyBasedMetadataWriteAccess = true
      disableLocalAuth                   = true
      locations                          = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  })
}
