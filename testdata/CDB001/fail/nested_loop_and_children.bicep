param regions array = [
  'westeurope'
  'northeurope'
]

@batchSize(1)
resource accounts 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = [for (region, i) in regions: { // expect: CDB001
  name: 'contoso-${region}'
  location: region
  properties: {
    databaseAccountOfferType: 'Standard'
    disableKeyBasedMetadataWriteAccess: true
  }
  resource db 'sqlDatabases' = {
    name: 'orders'
    properties: {
      resource: { id: 'orders' }
    }
  }
}]
