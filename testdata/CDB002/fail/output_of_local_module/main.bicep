module settings './settings.bicep' = {
  name: 'settings'
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: settings.outputs.lockMetadata // expect: CDB002
  }
}
