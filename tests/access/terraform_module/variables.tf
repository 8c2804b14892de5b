variable "app_principal" {
  type = string
}
