<%@ Page Language="C#" %>
<%@ Import Namespace="System.Data.SqlClient" %>
<script runat="server">
void Page_Load(object sender, EventArgs e) {
  string cust = Request.QueryString["customer"];
  using (var conn = new SqlConnection(System.Configuration.ConfigurationManager.ConnectionStrings["shop"].ConnectionString)) {
    conn.Open();
    var cmd = new SqlCommand("SELECT OrderId, Total FROM Orders WHERE Customer = '" + cust + "'", conn);
    var r = cmd.ExecuteReader();
    while (r.Read()) Response.Write(r.GetInt32(0) + " " + r.GetDecimal(1) + "<br/>");
  }
}
</script>
