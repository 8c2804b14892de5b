resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: 'contoso-tables'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableTable' }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}
