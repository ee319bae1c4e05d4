<!--#include file="conn.asp"-->
<%
Dim id, rs
id = Request.QueryString("id")
If id = "" Or Not IsNumeric(id) Then Response.Redirect "index.asp"
conn.Execute("update news set hits = hits + 1 where id = " & id)
Set rs = Server.CreateObject("ADODB.Recordset")
rs.Open "select title, body from news where id = " & id, conn, 1, 1
If Not rs.EOF Then
  Response.Write "<h1>" & Server.HTMLEncode(rs("title")) & "</h1>"
  Response.Write rs("body")
End If
rs.Close
Set rs = Nothing
%>
