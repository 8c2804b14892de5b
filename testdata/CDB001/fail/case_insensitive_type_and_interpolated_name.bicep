param env string = 'prod'
var prefix = 'contoso-${env}'

resource account 'microsoft.documentdb/DatabaseAccounts@2024-05-15' = {
  name: '${prefix}-main'
  location: 'westeurope'
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: env == 'dev' // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
