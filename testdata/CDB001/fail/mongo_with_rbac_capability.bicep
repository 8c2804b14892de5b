resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { // expect: CDB001
  name: 'contoso-mongo'
  location: 'westeurope'
  kind: 'MongoDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableMongoRoleBasedAccessControl' }
    ]
    disableKeyBasedMetadataWriteAccess: true
  }
}
