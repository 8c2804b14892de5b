module account 'br/public:avm/res/document-db/database-account:0.15.0' = {
  name: 'cosmos'
  params: {
    name: 'contoso-main'
    disableLocalAuthentication: false
  }
}
