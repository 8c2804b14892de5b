param mongoDatabases array?

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableKeyBasedMetadataWriteAccess: true
    ...(!empty(mongoDatabases)
      ? {
          disableLocalAuth: false
        }
      : {
          disableLocalAuth: true
        })
  }
}
